//! The whole state of the form, as plain data.

use crate::core::address::AddressError;
use crate::core::content::{DraftContent, ListField};
use crate::core::history::HistoryEntry;
use crate::core::record::MoreText;
use crate::core::record::{Fields, JournalRecord};
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::form::Completion;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::form::Form;
use crate::tui::app::state::form::new_field;
use crate::tui::app::state::save::JournalState;
use crate::tui::app::state::save::SaveKind;
use crate::tui::app::state::save::SaveState;
use crate::tui::app::state::save::ServerDraft;
use crate::tui::app::state::session::Session;
use crate::tui::app::state::session::Startup;
use crate::tui::app::state::status::StatusEntry;
use ratatui_textarea::{TextArea, WrapMode};

/// The whole state of the form, in parts.
#[derive(Clone, Debug)]
pub struct Model {
    pub session: Session,
    pub form: Form,
    pub save: SaveState,
    pub journal: JournalState,
    pub completion: Completion,
    /// Drafts saved from graft in this profile, newest first.
    pub history: Vec<HistoryEntry>,
    pub dialog: Option<Dialog>,
    pub status: Vec<StatusEntry>,
    /// The saved draft's id and webLink shown whole even where the screen is
    /// short (they are a compact line there otherwise).
    pub(crate) status_whole: bool,
    /// This draft's stable client key (journal file name and Graph extended property).
    pub draft_key: String,
    pub should_quit: bool,
    /// The user quit and discarded the text: the journal goes, not kept.
    pub discarded: bool,
    /// Sequence number for timers; stale ticks are ignored.
    pub(crate) timer_seq: u64,
    /// State for jitter (xorshift), so `update` stays pure and repeatable.
    pub(crate) rng: u64,
    /// The dictionaries, and the words they do not know.
    pub spell: crate::tui::app::state::spell::SpellState,
    /// Earlier sessions' drafts not taken up yet (the offer stepped aside
    /// for a pre-filled start or typing): F6 offers them.
    pub(crate) pending_recover: Vec<JournalRecord>,
    /// Quit once this draft is deleted (an answer left empty).
    pub(crate) quit_after_delete: Option<String>,
}

/// Each form field with its text in `f`.
fn by_field(f: &Fields) -> [(Field, &String); 5] {
    [
        (Field::To, &f.to),
        (Field::Cc, &f.cc),
        (Field::Bcc, &f.bcc),
        (Field::Subject, &f.subject),
        (Field::Body, &f.body),
    ]
}

impl Model {
    /// A blank form on [`Session::offline`]: for tests and benchmarks.
    pub fn offline() -> Model {
        Model::new(Session::offline(), Startup::default())
    }

    /// A form for `session`, with what `startup` brings.
    pub fn new(session: Session, startup: Startup) -> Model {
        let signature = session.signature.clone();
        let mut m = Model {
            session,
            form: Form::new(),
            save: SaveState::new(),
            journal: JournalState {
                enabled: startup.journal,
                ..JournalState::default()
            },
            completion: Completion {
                known: startup.known,
                ..Completion::default()
            },
            history: startup.history,
            dialog: None,
            status: startup.notices.into_iter().map(StatusEntry::Info).collect(),
            status_whole: false,
            draft_key: String::new(),
            should_quit: false,
            discarded: false,
            timer_seq: 0,
            spell: Default::default(),
            pending_recover: Vec::new(),
            quit_after_delete: None,
            rng: (if startup.seed == 0 {
                0x9e37_79b9_7f4a_7c15
            } else {
                startup.seed
            }) | 1,
        };
        m.draft_key = m.fresh_key();
        if let Some(fields) = &startup.prefill {
            m.fill(fields);
        }
        m.form.not_mine = startup.not_mine.clone();
        if let Some(format) = startup.format {
            m.form.body_format = format;
        }
        m.form.signature = signature;
        if !startup.recover.is_empty() {
            if startup.prefill.is_some() {
                // A pre-filled start is what the user asked for: the offer
                // stays out of its way.
                m.set_aside_recovery(startup.recover);
            } else {
                m.dialog = Some(Dialog::Recover {
                    confirm: false,
                    items: startup.recover,
                    selected: 0,
                    armed: false,
                });
            }
        }
        m
    }

    /// Earlier drafts kept for later: F6 offers them, a line says so.
    pub(crate) fn set_aside_recovery(&mut self, items: Vec<JournalRecord>) {
        if items.is_empty() {
            return;
        }
        let n = items.len();
        self.pending_recover = items;
        let f6 = self
            .session
            .keymap
            .keys_label(crate::config::keymap::Action::History);
        self.status.push(StatusEntry::Info(format!(
            "{n} earlier draft{} not saved yet, kept in the local journal: {f6} lists {}.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        )));
    }

    /// An answer Graph made that nobody has written into yet (nothing
    /// typed above the quote, nothing else changed).
    pub(crate) fn untouched_answer(&self) -> bool {
        self.form.answer.as_ref().is_some_and(|a| a.made())
            && self.save.server.id.is_some()
            && !self.is_dirty()
            && self.text(Field::Body).trim().is_empty()
            && self.form.files.list.is_empty()
    }

    /// The next pseudo-random number (xorshift64*).
    pub(crate) fn random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A new draft key, shaped like a UUID.
    pub(crate) fn fresh_key(&mut self) -> String {
        let (a, b) = (self.random(), self.random());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// The fields as typed.
    pub(crate) fn fields_text(&self) -> Fields {
        Fields {
            to: self.text(Field::To),
            cc: self.text(Field::Cc),
            bcc: self.text(Field::Bcc),
            subject: self.text(Field::Subject),
            body: self.text(Field::Body),
        }
    }

    /// Whether the journal must hold this draft: unsaved text, or a save not finished.
    pub(crate) fn needs_journal(&self) -> bool {
        self.is_dirty()
            || self.save.in_flight.is_some()
            || self.save.retry.is_some()
            || self.save.create_uncertain
    }

    /// What the journal file holds for this draft.
    pub fn journal_record(&self) -> JournalRecord {
        JournalRecord {
            version: JournalRecord::VERSION,
            key: self.draft_key.clone(),
            pid: self.session.pid,
            session: String::new(),
            host: String::new(),
            updated: String::new(),
            graph_url: self.session.graph_url.clone(),
            user: self.session.mailbox.user.clone(),
            folder: self.session.mailbox.folder.clone(),
            fields: self.fields_text(),
            server_id: self.save.server.id.clone(),
            web_link: self.save.server.web_link.clone(),
            change_key: self.save.server.change_key.clone(),
            seen: self.save.server.seen,
            // An update on its way may land whatever becomes of this
            // process: its body is graft's own, not Outlook's edit.
            sending: self
                .save
                .in_flight
                .as_ref()
                .filter(|f| f.kind == SaveKind::Update)
                .map(|f| crate::core::merge::fingerprint(&f.snapshot))
                .or(self.save.server.sending),
            conflict: false,
            saved: self.save.server.saved.clone(),
            // A create on its way may reach the server whatever becomes of
            // this process: the next one looks the key up before creating.
            create_uncertain: self.save.create_uncertain
                || self
                    .save
                    .in_flight
                    .as_ref()
                    .is_some_and(|f| f.kind == SaveKind::Create),
            queued: self.save.in_flight.is_some() || self.save.retry.is_some() || self.save.queued,
            format: self.form.body_format,
            more: self.form.more.text(),
            attachments: self.form.files.list.clone(),
            detached: self.form.files.detached.clone(),
            answer: self.form.answer.clone(),
            signature: self.form.signature.clone(),
            not_mine: self.form.not_mine.clone(),
        }
    }

    /// Past this many bytes on one line, the body is not wrapped by the text
    /// widget: it wraps its whole text on every edit, tens of milliseconds
    /// per key along a megabyte line. The view draws the rows around the
    /// cursor instead (wrapped by character).
    pub(crate) const LONG_LINE: usize = 16 * 1024;

    /// The body's wrapping for what it holds now: by word, or none in the
    /// widget while a line is longer than [`Model::LONG_LINE`] (the cursor's
    /// line is checked on each edit; every line when typing pauses).
    pub(crate) fn fit_body_wrap(&mut self) {
        let ta = &self.form.fields[Field::Body.index()];
        let row = ta.cursor().0;
        let long = ta
            .lines()
            .get(row)
            .is_some_and(|l| l.len() > Self::LONG_LINE);
        let want = if long || (self.form.body_long && self.body_has_long_line()) {
            WrapMode::None
        } else {
            WrapMode::WordOrGlyph
        };
        self.form.body_long = want == WrapMode::None;
        let ta = &mut self.form.fields[Field::Body.index()];
        if ta.wrap_mode() != want {
            ta.set_wrap_mode(want);
        }
    }

    fn body_has_long_line(&self) -> bool {
        self.field(Field::Body)
            .lines()
            .iter()
            .any(|l| l.len() > Self::LONG_LINE)
    }

    /// Fills the form with text (a mailto: URL, prefill flags). Unsaved until saved.
    pub(crate) fn fill(&mut self, f: &Fields) {
        for (field, text) in by_field(f) {
            let text = crate::tui::app::state::form::paste_for(field, text);
            self.set_text(field, &text);
        }
        // Start where the writing is: the body if recipients are there, else To.
        self.form.focus = if f.to.trim().is_empty() {
            Field::To
        } else {
            Field::Body
        };
    }

    /// A fresh sequence number (for timers and for answers that must not
    /// be applied once something newer was asked).
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.timer_seq += 1;
        self.timer_seq
    }

    /// The form on an answer to make: a new draft (its key fresh) that
    /// answers `answer`, its recipients and subject Graph's to set when it
    /// makes it, the cursor in the body. The first save makes it.
    pub(crate) fn start_answer(&mut self, answer: crate::core::answer::Answer) {
        for f in Field::ALL {
            self.set_text(f, "");
        }
        self.form.body_format = crate::core::content::BodyFormat::Text;
        self.form.more.set(&MoreText::default());
        self.form.files = Default::default();
        self.form.not_mine.clear();
        self.form.pasted.clear();
        self.form.answer = Some(answer);
        self.form.signature = self.session.signature.clone();
        self.save.server = ServerDraft::default();
        self.save.create_uncertain = false;
        self.save.checked = None;
        self.save.passed.clear();
        self.form.focus = Field::Body;
        self.form.edited();
    }

    /// Graph made the answer: To, Cc and Subject as it set them (with
    /// what the user added), where the user has not typed since the save
    /// left; the quote kept apart from the text.
    pub(crate) fn answer_made(
        &mut self,
        made: &crate::service::save::Made,
        sent: Option<&DraftContent>,
        asked: &DraftContent,
    ) {
        use crate::core::address::format_list;
        let Some(answer) = self.form.answer.as_mut() else {
            return;
        };
        answer.quote_html = made.graph.quote.clone().unwrap_or_default();
        let shown = sent.unwrap_or(&made.graph);
        let quiet = self.form.generation;
        for (field, value, was) in [
            (Field::To, format_list(&shown.to), format_list(&asked.to)),
            (Field::Cc, format_list(&shown.cc), format_list(&asked.cc)),
            (Field::Bcc, format_list(&shown.bcc), format_list(&asked.bcc)),
            (Field::Subject, shown.subject.clone(), asked.subject.clone()),
        ] {
            let untouched = self.text(field).trim() == was.trim();
            if untouched && self.text(field) != value {
                let focus_here = self.form.focus == field;
                let mut ta = new_field(field);
                ta.insert_str(&value);
                self.form.fields[field.index()] = ta;
                if focus_here {
                    self.form.focus = Field::Body;
                }
            }
        }
        // Filling in what Graph set is not an edit of the user's.
        self.form.generation = quiet;
    }

    /// Puts a draft's content in the form (every field, the body's format,
    /// the F3 fields), the cursor where it was.
    pub(crate) fn set_content(&mut self, c: &DraftContent) {
        let focus = self.form.focus;
        let f = Fields::of(c);
        for (field, text) in by_field(&f) {
            if self.text(field) != *text {
                self.set_text(field, text);
            }
        }
        self.form.body_format = c.format;
        self.form.more.set(&MoreText::of(c));
        self.form.signature = c.signature.clone();
        self.form.focus = focus;
        self.form.edited();
    }

    /// Fills the form from a journal; the draft takes over its key and server state.
    pub fn restore(&mut self, rec: &JournalRecord) {
        for (field, text) in by_field(&rec.fields) {
            self.set_text(field, text);
        }
        if self.draft_key != rec.key {
            self.save.passed.clear();
        }
        self.draft_key = rec.key.clone();
        self.save.server = ServerDraft {
            id: rec.server_id.clone(),
            web_link: rec.web_link.clone(),
            change_key: rec.change_key.clone(),
            saved: rec.saved.clone(),
            seen: rec.seen,
            sending: rec.sending,
        };
        self.save.create_uncertain = rec.create_uncertain;
        self.form.body_format = rec.format;
        self.form.more.set(&rec.more);
        self.form.files = crate::core::attach::Files {
            list: rec.attachments.clone(),
            detached: rec.detached.clone(),
        };
        self.form.answer = rec.answer.clone();
        self.form.signature = rec.signature.clone();
        self.form.not_mine = rec.not_mine.clone();
        self.form.pasted.clear();
        self.form.errors = [None, None, None];
        self.form.edited();
        let unchanged = self
            .validated_content()
            .ok()
            .is_some_and(|c| rec.saved.as_ref() == Some(&c));
        if unchanged {
            self.form.mark_saved();
        }
    }

    pub fn field(&self, f: Field) -> &TextArea<'static> {
        &self.form.fields[f.index()]
    }

    pub(crate) fn field_mut(&mut self, f: Field) -> &mut TextArea<'static> {
        &mut self.form.fields[f.index()]
    }

    /// The text of a field; single-line fields are one line by construction.
    pub fn text(&self, f: Field) -> String {
        if f == Field::Body {
            return self.body_text();
        }
        self.field(f).lines().join("\n")
    }

    pub fn set_text(&mut self, f: Field, text: &str) {
        if f == Field::Body {
            self.set_body(text);
            self.fit_body_wrap();
            self.count_body();
        } else {
            let mut ta = new_field(f);
            ta.insert_str(text);
            self.form.fields[f.index()] = ta;
        }
        self.form.edited();
    }

    pub fn error(&self, f: Field) -> Option<&AddressError> {
        if f.is_recipients() {
            self.form.errors[f.index()].as_ref()
        } else {
            None
        }
    }

    /// Unsaved changes: an edit since the last save, or a file still to
    /// send — but a new draft with nothing in it is not a draft (typing
    /// `x`, then Backspace, leaves nothing to save, keep or ask about).
    pub fn is_dirty(&self) -> bool {
        (self.form.generation != self.form.saved_generation || self.form.files.pending())
            && !self.is_blank()
    }

    /// A new draft with nothing written: every field empty, no F3 field
    /// set, no file, not an answer, nothing on the server.
    pub(crate) fn is_blank(&self) -> bool {
        self.save.server.id.is_none()
            && self.form.answer.is_none()
            && self.form.files.list.is_empty()
            && self.form.body_outside.is_empty()
            && Field::ALL.iter().all(|f| {
                let lines = self.field(*f).lines();
                lines.len() == 1 && lines[0].is_empty()
            })
            && self.form.more.set_count() == 0
    }

    /// The draft as the form holds it, if its recipients parse; no error is
    /// recorded on any field (for comparing, not for saving).
    pub(crate) fn content_now(&self) -> Option<DraftContent> {
        let quote = self.form.answer.as_ref().map(|a| a.quote_html.as_str());
        DraftContent::from_typed(
            &self.fields_text(),
            self.form.body_format,
            &self.form.more.text(),
        )
        .ok()
        .map(|c| DraftContent {
            signature: self.form.signature.clone(),
            not_mine: self.form.not_mine.clone(),
            ..c.with_quote(quote)
        })
    }

    /// Edits that came back to the last saved (or loaded) text are no
    /// changes: `x` then Backspace leaves the draft as it was. Asked when
    /// typing pauses, not per key.
    pub(crate) fn settle_if_unchanged(&mut self) {
        if self.form.generation == self.form.saved_generation
            || self.form.files.pending()
            || self.save.in_flight.is_some()
        {
            return;
        }
        let Some(saved) = &self.save.server.saved else {
            return;
        };
        if self.content_now().as_ref() == Some(saved) {
            self.form.mark_saved();
        }
    }

    /// Parses the recipient fields; on failure records the error on each bad
    /// field (`None` for Reply-To, which lives behind F3).
    pub fn validated_content(
        &mut self,
    ) -> Result<DraftContent, Vec<(Option<Field>, AddressError)>> {
        let quote = self.form.answer.as_ref().map(|a| a.quote_html.as_str());
        let result = DraftContent::from_typed(
            &self.fields_text(),
            self.form.body_format,
            &self.form.more.text(),
        )
        .map(|c| DraftContent {
            signature: self.form.signature.clone(),
            not_mine: self.form.not_mine.clone(),
            ..c.with_quote(quote)
        });
        self.form.errors = [None, None, None];
        self.form.more.reply_to_error = None;
        result.map_err(|bad| {
            bad.into_iter()
                .map(|(which, e)| {
                    let field = match which {
                        ListField::To => Some(Field::To),
                        ListField::Cc => Some(Field::Cc),
                        ListField::Bcc => Some(Field::Bcc),
                        ListField::ReplyTo => None,
                    };
                    // A field shows its first bad item; the status pane lists all.
                    let slot = match field {
                        Some(f) => &mut self.form.errors[f.index()],
                        None => &mut self.form.more.reply_to_error,
                    };
                    slot.get_or_insert_with(|| e.clone());
                    (field, e)
                })
                .collect()
        })
    }
}
