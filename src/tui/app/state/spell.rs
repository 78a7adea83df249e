//! What spelling knows about the form's text, as plain data.

use crate::core::spell::Miss;
/// What the form knows of spelling.
#[derive(Clone, Debug, Default)]
pub struct SpellState {
    /// The dictionaries are loaded: their names. They load with the first
    /// check, so until then checks are asked for all the same.
    pub(crate) ready: Option<String>,
    /// Why spelling is off (said when the spell key is pressed); no checks
    /// are asked for then.
    pub(crate) off: Option<String>,
    /// The edit generation last sent to be checked, and the one whose
    /// result is shown.
    pub(crate) asked: Option<u64>,
    pub(crate) shown: Option<u64>,
    /// Words found in the Subject and the Body (whole-body lines).
    pub(crate) subject: Vec<Miss>,
    pub body: Vec<Miss>,
    /// Bumped with each result, for the view's fingerprint.
    pub(crate) version: u64,
}
