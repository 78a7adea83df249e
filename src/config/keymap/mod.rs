//! Key bindings as data. The defaults live in `assets/keymap.toml`; the footer,
//! the help overlay and the README key table are all generated from this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

mod plain;

/// What a bound key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Save,
    NextField,
    PrevField,
    Help,
    Cancel,
    CopyLink,
    CopyId,
    OpenLink,
    Editor,
    CycleFormat,
    More,
    Attach,
    History,
    Suspend,
    Repaint,
    Clear,
    Details,
    Answer,
    Quote,
    Spell,
    Signature,
    Template,
    Preview,
    Folder,
    Quit,
}

/// Where a dialog key applies: each dialog has its own keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Context {
    Help,
    ConfirmQuit,
    /// Quitting an answer Graph made that nobody wrote into.
    EmptyAnswer,
    Recover,
    DraftGone,
    SignIn,
    History,
    Attach,
    More,
    /// F8: messages to answer, and the search box.
    Mail,
    /// One message open to read, with the answers to make.
    Reader,
    /// Suggestions for a misspelled word.
    Spell,
    /// The templates, and a variable's value.
    Template,
    /// The draft changed in Outlook too: both versions and the choices.
    Conflict,
    /// Pictures a paste named, before they are first sent.
    Pictures,
    /// The mailbox's folders, to choose where new drafts go.
    Folder,
}

/// What a key does inside a dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DialogAction {
    /// The selection (or the view) up / down a list.
    Up,
    Down,
    /// A page up / down.
    PageUp,
    PageDown,
    /// Take the selected item, or the dialog's main choice.
    Choose,
    /// Remove the selected item.
    Delete,
    /// Yes, do what was asked (a deletion).
    Confirm,
    /// A new blank draft.
    New,
    /// Complete a path.
    Complete,
    /// Switch or cycle the focused setting.
    Toggle,
    /// Copy the sign-in code again.
    Copy,
    /// Save, then quit.
    SaveQuit,
    /// Quit without saving.
    Discard,
    /// Close the dialog and carry on where the form was.
    Close,
    /// Answer the message: to its sender, to everyone, or forward it.
    Reply,
    ReplyAll,
    Forward,
    /// The next folder (Inbox, Sent Items, …).
    Folder,
    /// Add the word to the personal word list.
    Learn,
    /// Take the merged version (both sides' edits).
    Merge,
    /// Take the other editor's (Outlook's) version.
    Theirs,
    /// Keep graft's version.
    Mine,
}

/// A dialog's key, with the hint its dialog shows.
#[derive(Clone, Debug, Hash)]
pub(crate) struct DialogBinding {
    pub(crate) context: Context,
    pub(crate) action: DialogAction,
    pub(crate) keys: Vec<Chord>,
    pub(crate) key_names: Vec<String>,
    /// Shown in the dialog's hint line (none: the key is not listed there).
    pub(crate) hint: Option<String>,
    /// How the hint line names the keys, when not by the first key (`↑/↓`).
    pub(crate) label: Option<String>,
}

/// A key with its modifiers, normalised so that `shift-tab` and `BackTab` agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Chord {
    pub(crate) code: KeyCode,
    pub(crate) mods: KeyModifiers,
}

impl Chord {
    pub(crate) fn from_event(ev: &KeyEvent) -> Chord {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                // Most terminals cannot tell ctrl-S from ctrl-shift-S (and caps lock
                // turns one into the other): bind by the letter.
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            other => other,
        };
        Chord { code, mods }
    }

    /// Parses `ctrl-s`, `alt-w`, `shift-tab`, `f2`, `enter`…
    pub(crate) fn parse(s: &str) -> Result<Chord, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            mods |= m;
            rest = &rest[len..];
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                let n: u8 = f[1..].parse().map_err(|_| format!("unknown key '{s}'"))?;
                if !(1..=24).contains(&n) {
                    return Err(format!("unknown key '{s}'"));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        let shifted = mods.contains(KeyModifiers::SHIFT);
                        mods.remove(KeyModifiers::SHIFT);
                        KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                            c.to_ascii_lowercase()
                        } else if shifted {
                            // Terminals send shift-w as 'W'.
                            c.to_ascii_uppercase()
                        } else {
                            c
                        })
                    }
                    _ => return Err(format!("unknown key '{s}'")),
                }
            }
        };
        Ok(Chord { code, mods })
    }

    /// Short form for the footer and help: `^S`, `F2`, `Tab`, `S-Tab`, `M-w`.
    pub(crate) fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Delete => "Del".into(),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push('^');
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("M-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("S-");
        }
        out + &key
    }
}

#[derive(Clone, Debug, Hash)]
pub struct Binding {
    pub(crate) action: Action,
    pub(crate) keys: Vec<Chord>,
    pub(crate) key_names: Vec<String>,
    pub help: String,
    pub(crate) footer: Option<String>,
}

/// A documentation-only row for the text widget's own editing keys.
#[derive(Clone, Debug, Hash, PartialEq, Deserialize)]
pub(crate) struct EditingKey {
    pub(crate) keys: String,
    pub(crate) help: String,
}

#[derive(Clone, Debug)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
    pub(crate) editing: Vec<EditingKey>,
    /// The dialogs' keys, by context.
    dialogs: DialogKeys,
    /// Actions `[keys]` left without a key (their keys went to others), said
    /// at start.
    pub(crate) keyless: Vec<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    action: Action,
    keys: Vec<String>,
    help: String,
    footer: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawDialogBinding {
    context: Context,
    action: DialogAction,
    keys: Vec<String>,
    hint: Option<String>,
    label: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawKeymap {
    binding: Vec<RawBinding>,
    #[serde(default)]
    editing: Vec<EditingKey>,
    #[serde(default)]
    dialog: Vec<RawDialogBinding>,
}

/// What the screen's parts are drawn with (the footer's keys, the help's
/// rows): the dialogs' keys are not among it, since a dialog is always drawn
/// whole, never as parts; hashing them would read them at every start.
impl std::hash::Hash for Keymap {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bindings.hash(state);
        self.editing.hash(state);
        self.keyless.hash(state);
    }
}

/// The dialogs' keys: 79 of the built-in file's 114 tables, read from it
/// when a dialog first needs them rather than at every start (two thirds of
/// the 0.3 ms reading the keys cost a start), unless `[keys]` changes some,
/// which is checked at start.
#[derive(Clone, Debug, Default)]
struct DialogKeys(std::sync::OnceLock<Vec<DialogBinding>>);

impl DialogKeys {
    fn read(dialogs: Vec<DialogBinding>) -> DialogKeys {
        DialogKeys(std::sync::OnceLock::from(dialogs))
    }

    fn get(&self) -> &[DialogBinding] {
        self.0.get_or_init(|| {
            let raw = read_plain(DEFAULT_KEYMAP, |t| t == "dialog")
                .or_else(|| toml::from_str::<RawKeymap>(DEFAULT_KEYMAP).ok());
            raw.and_then(|raw| dialog_bindings(raw.dialog).ok())
                .unwrap_or_default()
        })
    }

    /// The keys, read now if they were not, taken out to be changed.
    fn take(&mut self) -> Vec<DialogBinding> {
        self.get();
        std::mem::take(&mut self.0).into_inner().unwrap_or_default()
    }
}

fn dialog_bindings(raw: Vec<RawDialogBinding>) -> Result<Vec<DialogBinding>, String> {
    raw.into_iter()
        .map(|d| {
            Ok(DialogBinding {
                context: d.context,
                action: d.action,
                keys: chords(&d.keys)?,
                key_names: d.keys,
                hint: d.hint,
                label: d.label,
            })
        })
        .collect()
}

/// A name from the keymap file (`save`, `confirm_quit`) as its enum.
fn named<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).ok()
}

/// `CopyLink` → `copy_link`: an action's name as the config file spells it.
fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The form's action whose name is nearest to `name` (a typo: "saev"),
/// if one is near enough to be what was meant.
fn closest_action(name: &str) -> Option<&'static str> {
    DEFAULT_KEYMAP
        .lines()
        .filter_map(|l| l.strip_prefix("action = "))
        .map(|a| a.trim_matches('"'))
        .map(|a| (crate::util::distance(name, a), a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// A key may do one thing only (in one place: the form, or one dialog).
fn one_action_per_key<A: Copy + PartialEq + std::fmt::Debug>(
    keys: impl Iterator<Item = (Chord, A)>,
    place: &str,
) -> Result<(), String> {
    let mut seen: Vec<(Chord, A)> = Vec::new();
    for (k, action) in keys {
        if let Some((_, other)) = seen.iter().find(|(c, a)| *c == k && *a != action) {
            return Err(format!(
                "[keys] {} is bound to both {other:?} and {action:?}{place}",
                k.label()
            ));
        }
        seen.push((k, action));
    }
    Ok(())
}

fn chords(names: &[String]) -> Result<Vec<Chord>, String> {
    names.iter().map(|k| Chord::parse(k)).collect()
}

pub(crate) const DEFAULT_KEYMAP: &str = include_str!("../../../assets/keymap.toml");

/// The keymap file's tables that `keep` wants, read without a TOML parser
/// (a quarter of a millisecond at every start, most of what making the
/// form's model cost), when it has the shape `plain` reads; `None` sends it
/// to TOML. A test holds the two readings of the built-in file equal.
fn read_plain(text: &str, keep: impl Fn(&str) -> bool) -> Option<RawKeymap> {
    let mut raw = RawKeymap {
        binding: Vec::new(),
        editing: Vec::new(),
        dialog: Vec::new(),
    };
    let bindings_wanted = keep("binding");
    for (name, mut f) in plain::tables(text, keep)? {
        match name {
            "binding" => raw.binding.push(RawBinding {
                action: named(&f.text("action")?)?,
                keys: f.list("keys")?,
                help: f.text("help")?,
                footer: f.optional("footer")?,
            }),
            "dialog" => raw.dialog.push(RawDialogBinding {
                context: named(&f.text("context")?)?,
                action: named(&f.text("action")?)?,
                keys: f.list("keys")?,
                hint: f.optional("hint")?,
                label: f.optional("label")?,
            }),
            "editing" => raw.editing.push(EditingKey {
                keys: f.text("keys")?,
                help: f.text("help")?,
            }),
            _ => return None,
        }
        // A field left over is one the table does not have.
        if !f.is_empty() {
            return None;
        }
    }
    // TOML's reading requires bindings.
    if bindings_wanted && raw.binding.is_empty() {
        return None;
    }
    Some(raw)
}

impl Keymap {
    pub(crate) fn from_toml(text: &str) -> Result<Keymap, String> {
        let raw: RawKeymap = match read_plain(text, |_| true) {
            Some(raw) => raw,
            None => toml::from_str(text).map_err(|e| e.to_string())?,
        };
        let dialogs = DialogKeys::read(dialog_bindings(raw.dialog)?);
        Keymap::with_dialogs(raw.binding, raw.editing, dialogs)
    }

    fn with_dialogs(
        binding: Vec<RawBinding>,
        editing: Vec<EditingKey>,
        dialogs: DialogKeys,
    ) -> Result<Keymap, String> {
        let mut bindings = Vec::new();
        for b in binding {
            let keys = chords(&b.keys)?;
            bindings.push(Binding {
                action: b.action,
                keys,
                key_names: b.keys,
                help: b.help,
                footer: b.footer,
            });
        }
        Ok(Keymap {
            bindings,
            editing,
            dialogs,
            keyless: Vec::new(),
        })
    }

    /// The built-in bindings. The asset is compiled in and checked by a
    /// test; the dialogs' keys are read from it when first needed.
    pub fn defaults() -> Keymap {
        let keymap = match read_plain(DEFAULT_KEYMAP, |t| t != "dialog") {
            Some(raw) => Keymap::with_dialogs(raw.binding, raw.editing, DialogKeys::default()),
            None => Keymap::from_toml(DEFAULT_KEYMAP),
        };
        keymap.unwrap_or(Keymap {
            bindings: Vec::new(),
            editing: Vec::new(),
            dialogs: DialogKeys::read(Vec::new()),
            keyless: Vec::new(),
        })
    }

    /// Replaces the keys of each named action (`save = ["ctrl-s"]`, and a
    /// dialog's as `"recover.delete" = ["x"]`); the other actions keep their
    /// defaults. Unknown actions and keys are errors.
    pub fn with_overrides(
        mut self,
        overrides: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, String> {
        let mut overridden: Vec<Action> = Vec::new();
        for (name, keys) in overrides {
            if let Some((context, action)) = name.split_once('.') {
                self.override_dialog(name, context, action, keys)?;
                continue;
            }
            let action: Action = named(name).ok_or_else(|| {
                let hint = closest_action(name)
                    .map(|a| format!(" (did you mean {a}?)"))
                    .unwrap_or_default();
                format!("[keys] {name}: no such action{hint}")
            })?;
            let chords = keys
                .iter()
                .map(|k| Chord::parse(k).map_err(|e| format!("[keys] {name}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            for b in self.bindings.iter_mut().filter(|b| b.action == action) {
                b.keys = chords.clone();
                b.key_names = keys.clone();
            }
            overridden.push(action);
        }
        // A key the config gives one action is taken from a default that had
        // it (a key a later version binds by default never breaks a config);
        // two overrides on one key are still an error.
        let taken: Vec<Chord> = self
            .bindings
            .iter()
            .filter(|b| overridden.contains(&b.action))
            .flat_map(|b| b.keys.iter().copied())
            .collect();
        for b in self
            .bindings
            .iter_mut()
            .filter(|b| !overridden.contains(&b.action))
        {
            let had = b.key_names.clone();
            (b.keys, b.key_names) = std::mem::take(&mut b.keys)
                .into_iter()
                .zip(std::mem::take(&mut b.key_names))
                .filter(|(k, _)| !taken.contains(k))
                .unzip();
            if b.keys.is_empty() && !had.is_empty() {
                let name = snake(&format!("{:?}", b.action));
                self.keyless.push(format!(
                    "[keys] took {} from {name}, which has no key now: give it one in [keys] ({name} = [\"…\"]).",
                    had.join(", ")
                ));
            }
        }
        one_action_per_key(
            self.bindings
                .iter()
                .flat_map(|b| b.keys.iter().map(move |k| (*k, b.action))),
            "",
        )?;
        Ok(self)
    }

    fn override_dialog(
        &mut self,
        name: &str,
        context: &str,
        action: &str,
        keys: &[String],
    ) -> Result<(), String> {
        let context: Context =
            named(context).ok_or_else(|| format!("[keys] {name}: no such dialog"))?;
        let action: DialogAction =
            named(action).ok_or_else(|| format!("[keys] {name}: no such dialog action"))?;
        let found: Vec<Chord> = chords(keys).map_err(|e| format!("[keys] {name}: {e}"))?;
        let mut dialogs = self.dialogs.take();
        let mut any = false;
        for d in dialogs
            .iter_mut()
            .filter(|d| d.context == context && d.action == action)
        {
            d.keys = found.clone();
            d.key_names = keys.to_vec();
            any = true;
        }
        self.dialogs = DialogKeys::read(dialogs);
        if !any {
            return Err(format!("[keys] {name}: that dialog has no such action"));
        }
        one_action_per_key(
            self.dialogs
                .get()
                .iter()
                .filter(|d| d.context == context)
                .flat_map(|d| d.keys.iter().map(move |k| (*k, d.action))),
            &format!(" in {context:?}"),
        )
    }

    /// Reads the dialogs' keys now, if they were not (a start does, once
    /// its first frame is on screen, so the first dialog does not wait).
    pub(crate) fn read_dialog_keys(&self) {
        self.dialogs.get();
    }

    /// What `ev` does in the dialog `context`, if anything.
    pub(crate) fn in_dialog(&self, context: Context, ev: &KeyEvent) -> Option<DialogAction> {
        let chord = Chord::from_event(ev);
        self.dialogs
            .get()
            .iter()
            .find(|d| d.context == context && d.keys.contains(&chord))
            .map(|d| d.action)
    }

    /// A dialog's hint line, as (action, keys, what they do), in the table's order.
    pub(crate) fn hints(&self, context: Context) -> Vec<(DialogAction, String, String)> {
        self.dialogs
            .get()
            .iter()
            .filter(|d| d.context == context)
            .filter_map(|d| {
                let hint = d.hint.clone()?;
                let keys = match &d.label {
                    Some(l) => l.clone(),
                    None => d.keys.first()?.label(),
                };
                Some((d.action, keys, hint))
            })
            .collect()
    }

    /// The label of the first key for a dialog action (`Enter`, `y`).
    pub(crate) fn dialog_key(&self, context: Context, action: DialogAction) -> String {
        self.dialogs
            .get()
            .iter()
            .find(|d| d.context == context && d.action == action)
            .and_then(|d| d.keys.first())
            .map(Chord::label)
            .unwrap_or_default()
    }

    pub(crate) fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        let chord = Chord::from_event(ev);
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&chord))
            .map(|b| b.action)
    }

    /// `^S/F2`-style label of every key bound to `action`.
    pub(crate) fn keys_label(&self, action: Action) -> String {
        self.bindings
            .iter()
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.iter().map(Chord::label))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The footer: `^S save  Tab next  F1 help  ^Q quit`, as (key, label) pairs.
    pub(crate) fn footer(&self) -> Vec<(String, String)> {
        self.bindings
            .iter()
            .filter_map(|b| {
                let label = b.footer.clone()?;
                Some((b.keys.first()?.label(), label))
            })
            .collect()
    }

    /// The README's key table, in Markdown.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| Keys | What it does |\n|---|---|\n");
        for b in &self.bindings {
            let keys: Vec<String> = b.key_names.iter().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!("| {} | {} |\n", keys.join(", "), b.help));
        }
        for e in &self.editing {
            out.push_str(&format!("| `{}` | {} |\n", e.keys, e.help));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_parse_and_bind_the_documented_keys() {
        let km = Keymap::from_toml(DEFAULT_KEYMAP).expect("default keymap parses");
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('s'), ctrl)),
            Some(Action::Save)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('S'), ctrl | KeyModifiers::SHIFT)),
            Some(Action::Save)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::F(2), KeyModifiers::NONE)),
            Some(Action::Save)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('q'), ctrl)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::F(1), KeyModifiers::NONE)),
            Some(Action::Help)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Action::NextField)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevField)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('s'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    /// The keys a start reads (the form's, without the dialogs') and the
    /// dialogs' read when first needed are the whole file's, read at once.
    fn dialog_keys_read_later_are_the_files() {
        let lazy = Keymap::defaults();
        assert!(lazy.dialogs.0.get().is_none(), "not read at start");
        let whole = Keymap::from_toml(DEFAULT_KEYMAP).unwrap();
        let debug = |k: &Keymap| format!("{:?} {:?} {:?}", k.bindings, k.editing, k.keyless);
        assert_eq!(debug(&lazy), debug(&whole));
        assert_eq!(lazy.dialogs.get().len(), 79);
        assert_eq!(
            format!("{:?}", lazy.dialogs.get()),
            format!("{:?}", whole.dialogs.get())
        );
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            Keymap::defaults().in_dialog(Context::Help, &esc),
            whole.in_dialog(Context::Help, &esc)
        );
        // A dialog key changed by [keys] is read, changed and checked at start.
        let mut keys = std::collections::BTreeMap::new();
        keys.insert("recover.delete".to_string(), vec!["x".to_string()]);
        let changed = Keymap::defaults().with_overrides(&keys).unwrap();
        assert!(changed.dialogs.0.get().is_some());
        assert_eq!(
            changed.in_dialog(
                Context::Recover,
                &ev(KeyCode::Char('x'), KeyModifiers::NONE)
            ),
            Some(DialogAction::Delete)
        );
    }

    #[test]
    fn the_plain_reading_of_the_keymap_is_tomls() {
        let toml: RawKeymap = toml::from_str(DEFAULT_KEYMAP).unwrap();
        assert_eq!(read_plain(DEFAULT_KEYMAP, |_| true), Some(toml));
        // Escapes, comments after values, spacing: as TOML reads them.
        let text = r#"
# a comment
[[binding]]
action = "save"   # after a value
keys = [ "ctrl-s" ,"f2", ]
help = "Say \"hi\" \\ \t tab \u00e9 \U0001F600 a = b # not a comment"
footer = ""

[[editing]]
keys = "ctrl-a / ctrl-e"
help = "Start / end of line"
"#;
        let toml: RawKeymap = toml::from_str(text).unwrap();
        assert_eq!(read_plain(text, |_| true), Some(toml));
        // A C1 control is allowed in a TOML string; C0 ones are not.
        let c1 = "[[binding]]\naction = \"save\"\nkeys = [\"f2\"]\nhelp = \"a\u{85}b\"";
        assert_eq!(read_plain(c1, |_| true), Some(toml::from_str(c1).unwrap()));
        // Valid TOML of other shapes is left to TOML; so are mistakes.
        for other in [
            "[[binding]]\naction = 'save'\nkeys = [\"f2\"]\nhelp = \"h\"",
            "[[binding]]\naction = \"save\"\nkeys = [\n\"f2\"]\nhelp = \"h\"",
            "[[binding]]\naction = \"save\"\nkeys = [\"f2\"]\nhelp = \"h\"\nextra = \"x\"",
            "[[binding]]\naction = \"save\"\nkeys = \"f2\"\nhelp = \"h\"",
            "[[binding]]\naction = \"nope\"\nkeys = [\"f2\"]\nhelp = \"h\"",
            "[[binding]]\naction = \"save\"\naction = \"quit\"\nkeys = [\"f2\"]\nhelp = \"h\"",
            "action = \"save\"",
            "[[binding]]\naction = \"save\"\nkeys = [\"f2\"]\nhelp = \"\\q\"",
            "[[binding]]\naction = \"save\"\nkeys = [\"f2\"]\nhelp = \"\\u+0e9\"",
            "[[binding]]\naction = \"save\"\nkeys = [\"f2\"]\nhelp = \"a\u{1}b\"",
            "[[dialog]]\ncontext = \"help\"\naction = \"close\"\nkeys = [\"esc\"]",
        ] {
            assert_eq!(read_plain(other, |_| true), None, "{other}");
        }
    }

    #[test]
    fn chord_parse_and_label() {
        assert_eq!(Chord::parse("ctrl-s").unwrap().label(), "^S");
        assert_eq!(Chord::parse("shift-tab").unwrap().label(), "S-Tab");
        assert_eq!(Chord::parse("f12").unwrap().label(), "F12");
        assert_eq!(Chord::parse("alt-w").unwrap().label(), "M-w");
        assert_eq!(Chord::parse("alt-shift-w").unwrap().label(), "M-W");
        let km = Keymap::defaults();
        let alt_shift_w =
            KeyEvent::new(KeyCode::Char('W'), KeyModifiers::ALT | KeyModifiers::SHIFT);
        assert_eq!(km.action_for(&alt_shift_w), Some(Action::CopyId));
        let alt_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::ALT);
        assert_eq!(km.action_for(&alt_w), Some(Action::CopyLink));
        assert!(Chord::parse("hyper-x").is_err());
        assert!(Chord::parse("f99").is_err());
    }

    #[test]
    fn user_overrides_replace_one_action_and_keep_the_rest() {
        let mut o = std::collections::BTreeMap::new();
        o.insert(
            "save".to_string(),
            vec!["ctrl-w".to_string(), "f9".to_string()],
        );
        let km = Keymap::defaults().with_overrides(&o).unwrap();
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('w'), ctrl)),
            Some(Action::Save)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::F(9), KeyModifiers::NONE)),
            Some(Action::Save),
            "the config's key wins over a default that had it (spell's F9)"
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('s'), ctrl)),
            None,
            "replaced, not added"
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('q'), ctrl)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.footer()[0],
            ("^W".to_string(), "save".to_string()),
            "the footer follows"
        );

        o.insert("sav".to_string(), vec!["f9".to_string()]);
        assert!(
            Keymap::defaults()
                .with_overrides(&o)
                .unwrap_err()
                .contains("sav")
        );
        let mut clash = std::collections::BTreeMap::new();
        clash.insert("save".to_string(), vec!["ctrl-q".to_string()]);
        let took = Keymap::defaults().with_overrides(&clash).unwrap();
        assert_eq!(
            took.action_for(&ev(KeyCode::Char('q'), ctrl)),
            Some(Action::Save)
        );
        assert_eq!(
            took.action_for(&ev(KeyCode::Char('c'), ctrl)),
            Some(Action::Quit),
            "quit keeps its other key"
        );
        // Two of the config's own bindings on one key: an error.
        clash.insert("quit".to_string(), vec!["ctrl-q".to_string()]);
        assert!(
            Keymap::defaults()
                .with_overrides(&clash)
                .unwrap_err()
                .contains("both")
        );
    }

    /// A `[keys]` entry that takes a default action's only key leaves it
    /// without one: said (at start), naming both; the README's example does
    /// not.
    #[test]
    fn an_action_left_without_a_key_is_said() {
        let mut o = std::collections::BTreeMap::new();
        o.insert(
            "save".to_string(),
            vec!["ctrl-s".to_string(), "f9".to_string()],
        );
        let km = Keymap::defaults().with_overrides(&o).unwrap();
        assert_eq!(km.keyless.len(), 1, "{:?}", km.keyless);
        assert!(
            km.keyless[0].contains("f9") && km.keyless[0].contains("spell ="),
            "{:?}",
            km.keyless
        );
        // Quit keeps ctrl-c when ctrl-q goes: nothing to say.
        let mut o = std::collections::BTreeMap::new();
        o.insert("save".to_string(), vec!["ctrl-q".to_string()]);
        assert!(
            Keymap::defaults()
                .with_overrides(&o)
                .unwrap()
                .keyless
                .is_empty()
        );
        // The README's example.
        let readme = include_str!("../../../README.md");
        let example = readme
            .split("[keys]\n")
            .nth(1)
            .and_then(|r| r.split("```").next())
            .unwrap();
        let mut o = std::collections::BTreeMap::new();
        for line in example.lines() {
            let line = line.split('#').next().unwrap_or("");
            if let Some((k, v)) = line.split_once(" = ") {
                let keys: Vec<String> = v
                    .trim()
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|x| x.trim().trim_matches('"').to_string())
                    .collect();
                o.insert(k.trim().to_string(), keys);
            }
        }
        assert!(!o.is_empty());
        let km = Keymap::defaults().with_overrides(&o).unwrap();
        assert!(km.keyless.is_empty(), "{:?}", km.keyless);
    }

    #[test]
    fn footer_comes_from_the_table() {
        let km = Keymap::defaults();
        let footer = km.footer();
        assert_eq!(footer[0], ("^S".to_string(), "save".to_string()));
        assert!(footer.iter().any(|(k, l)| k == "^Q" && l == "quit"));
    }
}
