//! `update`: the only place the model changes. It never awaits and never touches
//! a file, socket or terminal; what should happen outside comes back as `Effect`s.

use super::model::Model;
use super::save;
use crate::config::keymap::Action;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Msg;
use crate::tui::app::msg::Reply;
use crate::tui::app::msg::Routed;
use crate::tui::app::msg::TimerKind;
use crate::tui::app::msg::{Next, Outcome};
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::form::field_max;
use crate::tui::app::state::form::paste_for;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn update(model: &mut Model, msg: Msg) -> Outcome {
    // The journal's schedule is kept here, for every message at once: when
    // what it would hold moved, a write is scheduled.
    let before = super::journal::Mark::of(model);
    let mut out = dispatch(model, msg);
    follow(model, &mut out);
    super::journal::after_update(model, before, &mut out);
    out
}

/// Runs the follow-ups the step asked for (the floors below cannot reach
/// the save themselves), and those they ask for in turn.
fn follow(model: &mut Model, out: &mut Outcome) {
    while let Some(next) = out.then.take() {
        let more = match next {
            Next::Save => save::save(model),
            Next::SaveThenQuit => {
                model.save.quit_after = true;
                let more = save::save(model);
                if model.save.in_flight.is_none()
                    && !model.save.queued
                    && model.save.retry.is_none()
                    && !model.should_quit
                {
                    // Nothing could be sent (invalid form): stay, the status says why.
                    model.save.quit_after = false;
                }
                more
            }
        };
        let mine = std::mem::replace(&mut out.effects, more.effects);
        out.effects.extend(mine);
        out.redraw |= more.redraw;
        out.then = more.then;
    }
}

// Long by design: one arm per message, each a call into its family.
fn dispatch(model: &mut Model, msg: Msg) -> Outcome {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Outcome::none(),
        Msg::Key(key) => on_key(model, key),
        Msg::Typed(text) => on_typed(model, &text),
        Msg::Paste(text) => on_paste(model, &text),
        Msg::Resize => {
            let more = &mut model.form.more;
            for ta in model
                .form
                .fields
                .iter_mut()
                .chain([&mut more.reply_to, &mut more.categories])
            {
                crate::tui::app::state::form::reset_view(ta);
            }
            Outcome::redraw()
        }
        Msg::SaveDone { req, at, outcome } => save::on_save_done(model, req, at, outcome),
        Msg::FileChecked(result) => super::dialog::attach::on_checked(model, result),
        Msg::PathCandidates { input, found } => {
            super::dialog::attach::on_candidates(model, input, found)
        }
        Msg::UploadProgress {
            req,
            name,
            done,
            total,
        } => super::dialog::attach::on_progress(model, req, name, done, total),
        Msg::DraftLoaded { id, result } => super::dialog::history::on_loaded(model, id, result),
        Msg::NamesResolved(found) => super::resolve::on_resolved(model, found),
        Msg::Refused { feature, why } => {
            super::dialog::signin::refuse(model, feature, &why);
            Outcome::redraw()
        }
        Msg::Granted(scopes) => {
            super::dialog::signin::apply_grants(model, scopes.as_deref());
            Outcome::redraw()
        }
        Msg::MailboxLimit(bytes) => {
            model.session.max_message_bytes = bytes;
            model.session.max_message_known = true;
            Outcome::none()
        }
        Msg::Tick {
            kind: TimerKind::SignIn,
            seq,
        } => super::dialog::signin::on_tick(model, seq),
        Msg::Tick {
            kind: TimerKind::People,
            seq,
        } => super::complete::on_tick(model, seq),
        Msg::Tick {
            kind: TimerKind::MailSearch,
            seq,
        } => super::dialog::mail::on_tick(model, seq),
        Msg::MailListed { seq, more, result } => {
            super::dialog::mail::on_listed(model, seq, more, result)
        }
        Msg::MailRead { id, at, result } => super::dialog::mail::on_read(model, &id, at, result),
        Msg::Tick {
            kind: TimerKind::Arm,
            ..
        } => super::dialog::recover::arm(model),
        Msg::DraftDeleted { id, result } => super::dialog::history::on_deleted(model, &id, result),
        Msg::Resumed => super::dialog::conflict::check_version(model),
        Msg::HistoryStates(states) => super::dialog::history::on_states(model, states),
        Msg::HistoryRead(list) => super::dialog::history::on_read(model, list),
        Msg::Folders(result) => super::dialog::folder::on_listed(model, result),
        Msg::Tips(result) => super::journal::on_tips(model, result),
        Msg::SaveStep { req, at, step } => save::on_step(model, req, at, step),
        Msg::VersionChecked { id, result } => {
            super::dialog::conflict::on_version(model, &id, result)
        }
        Msg::People { query, found } => super::complete::on_people(model, query, found),
        Msg::SpellReady { result, say } => super::spell::on_ready(model, result, say),
        Msg::Spelled {
            generation,
            subject,
            body,
        } => super::spell::on_checked(model, generation, subject, body),
        Msg::Suggested {
            field,
            miss,
            suggestions,
        } => super::spell::on_suggested(model, field, miss, suggestions),
        Msg::Learned(result) => super::spell::on_learned(model, result),
        Msg::ImagesChecked(found) => super::images::on_checked(model, found),
        Msg::Templates { result, today } => {
            super::dialog::template::on_listed(model, result, today)
        }
        Msg::Tick { kind, seq } => save::on_tick(model, kind, seq),
        Msg::JournalDone { result } => super::journal::on_done(model, result),
        Msg::SyncedEntry(entry) => {
            crate::core::history::upsert(&mut model.history, entry);
            Outcome::none().with(vec![Effect::SaveHistory(model.history.clone())])
        }
        Msg::Synced { title, result } => {
            model.status.push(match result {
                Ok(s) => StatusEntry::Info(format!(
                    "Saved “{title}”, queued in an earlier session: {} {} · {}",
                    s.status, s.status_text, s.web_link
                )),
                Err(e) => StatusEntry::Info(format!(
                    "“{title}” from an earlier session is still queued: {e}. `graft sync` or the next start will try again."
                )),
            });
            Outcome::redraw()
        }
        Msg::Terminate => {
            model.should_quit = true;
            Outcome::redraw()
        }
        Msg::SignInCode(result) => super::dialog::signin::on_code(model, result),
        Msg::SignedIn(result) => super::dialog::signin::on_done(model, result),
        Msg::EditorDone(Ok(text)) => {
            let mut text = text.replace("\r\n", "\n");
            // Editors end a file with a newline the body did not have.
            if text.ends_with('\n') && !model.text(Field::Body).ends_with('\n') {
                text.pop();
            }
            if text == model.text(Field::Body) {
                model.status.push(StatusEntry::Info(
                    "The editor left the body unchanged.".into(),
                ));
                return super::dialog::conflict::check_version(model).with_redraw();
            }
            model.set_text(Field::Body, &text);
            model.form.focus = Field::Body;
            model
                .status
                .push(StatusEntry::Info("Body updated from the editor.".into()));
            // Outlook may have edited the draft meanwhile: said early.
            super::dialog::conflict::check_version(model).with_redraw()
        }
        Msg::Categories(list) => {
            model.session.categories = list;
            Outcome {
                then: None,
                effects: Vec::new(),
                redraw: matches!(model.dialog, Some(Dialog::More { .. })),
            }
        }
        Msg::Opened(result) => {
            model.status.push(StatusEntry::Info(match result {
                Ok(()) => "Opened the draft in your browser.".to_string(),
                Err(e) => e,
            }));
            Outcome::redraw()
        }
        Msg::EditorDone(Err(e)) => {
            model
                .status
                .push(StatusEntry::Info(format!("{e} The body is as it was.")));
            Outcome::redraw()
        }
    }
}

/// What a start does first: the recovery offer is armed once it has been
/// seen for a moment; a pre-filled draft is journalled at once, before
/// anything can replace it.
pub(crate) fn startup(model: &mut Model) -> Vec<Effect> {
    let mut effects = Vec::new();
    if super::dialog::recover::unarmed(model) {
        effects.push(Effect::Timer {
            after: super::dialog::recover::ARM_AFTER,
            kind: TimerKind::Arm,
            seq: model.next_seq(),
        });
    }
    if model.journal.enabled && model.is_dirty() {
        model.journal.on_disk = true;
        effects.push(Effect::WriteJournal(Box::new(model.journal_record())));
    }
    effects
}

/// A character as the key that types it (upper case carries Shift).
pub(crate) fn char_key(c: char) -> KeyEvent {
    let m = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), m)
}

/// Characters typed in a row: inserted at once where that is exactly what
/// typing them one by one would do (a field has the focus, no dialog, no
/// character bound to an action); otherwise one key at a time.
fn on_typed(model: &mut Model, text: &str) -> Outcome {
    if super::dialog::recover::unarmed(model) {
        super::dialog::recover::step_aside(model);
    }
    let one_by_one = text.chars().nth(1).is_none()
        || model.dialog.is_some()
        || text
            .chars()
            .any(|c| model.session.keymap.action_for(&char_key(c)).is_some());
    if one_by_one {
        let mut out = Outcome::none();
        for c in text.chars() {
            // Each key sees what the one before it did, its follow-ups too.
            let mut o = on_key(model, char_key(c));
            follow(model, &mut o);
            out.redraw |= o.redraw;
            out.effects.extend(o.effects);
        }
        return out;
    }
    let focus = model.form.focus;
    if focus == Field::Body {
        model.form.before_paste = None;
        model.body_insert(text);
    } else {
        let max = field_max(focus).unwrap_or(usize::MAX);
        let room = max.saturating_sub(model.text(focus).chars().count());
        let fit: String = text.chars().take(room).collect();
        if fit.len() < text.len() {
            model.status.push(StatusEntry::Info(format!(
                "{} holds at most {max} characters.",
                focus.label()
            )));
        }
        model.field_mut(focus).insert_str(&fit);
    }
    edited(model, focus)
}

/// A key that types a plain character (no Ctrl, no Alt).
pub(crate) fn plain_char(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c)
            if k.kind == KeyEventKind::Press
                && (k.modifiers - KeyModifiers::SHIFT).is_empty()
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

fn on_key(model: &mut Model, key: KeyEvent) -> Outcome {
    // Typed ahead of the recovery offer: not an answer to it.
    if super::dialog::recover::unarmed(model) {
        super::dialog::recover::step_aside(model);
    }
    if let Some(plain) = esc_then_key(model, &key) {
        let mut out = on_key(model, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        follow(model, &mut out);
        let mut more = on_key(model, plain);
        follow(model, &mut more);
        out.redraw |= more.redraw;
        out.effects.extend(more.effects);
        return out;
    }
    // A dialog takes the key first; what it passes on is a global action
    // or nothing (it never reaches the form underneath).
    match route_to_dialog(model, key) {
        Routed::Done(out) => return out,
        Routed::Global => {
            return match model.session.keymap.action_for(&key) {
                Some(action) => on_action(model, action),
                None => Outcome::none(),
            };
        }
        Routed::NoDialog => {}
    }
    if let Some(out) = super::complete::on_key(model, &key) {
        return out;
    }
    match model.session.keymap.action_for(&key) {
        Some(action) => on_action(model, action),
        None => edit(model, key),
    }
}

/// Esc and a key typed quickly after it reach graft as one Alt+key (the
/// terminal sends both in one write, and over ssh they travel in one
/// packet). In a dialog that binds neither that Alt+key nor a global
/// action to it, it is what the user did: Esc, then the key — not a key
/// the dialog would swallow. Returns the key without Alt.
fn esc_then_key(model: &Model, key: &KeyEvent) -> Option<KeyEvent> {
    let dialog = model.dialog.as_ref()?;
    let KeyCode::Char(_) = key.code else {
        return None;
    };
    if key.modifiers - KeyModifiers::SHIFT != KeyModifiers::ALT {
        return None;
    }
    let keymap = &model.session.keymap;
    if keymap.action_for(key).is_some() || keymap.in_dialog(dialog.context(), key).is_some() {
        return None;
    }
    Some(KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT))
}

fn on_action(model: &mut Model, action: Action) -> Outcome {
    match action {
        Action::NextField => move_focus(model, model.form.focus.next()),
        Action::PrevField => move_focus(model, model.form.focus.prev()),
        Action::Help => {
            model.dialog = Some(Dialog::Help { scroll: 0 });
            Outcome::redraw()
        }
        Action::Quit => {
            if model.is_dirty() || model.save.in_flight.is_some() || model.save.retry.is_some() {
                model.dialog = Some(Dialog::ConfirmQuit);
            } else if model.untouched_answer() {
                // Graph made it and nobody wrote into it: not left in Drafts unasked.
                model.dialog = Some(Dialog::EmptyAnswer);
            } else {
                model.should_quit = true;
            }
            Outcome::redraw()
        }
        Action::Save => save::save(model),
        Action::Editor => Outcome::redraw().with(vec![Effect::OpenEditor {
            text: model.text(Field::Body),
            ext: match model.form.body_format {
                crate::core::content::BodyFormat::Markdown => "md",
                crate::core::content::BodyFormat::Html => "html",
                crate::core::content::BodyFormat::Text => "txt",
            },
        }]),
        Action::Suspend => Outcome::none().with(vec![Effect::Suspend]),
        Action::Repaint => Outcome::redraw().with(vec![Effect::Repaint]),
        Action::Clear => clear(model),
        Action::Answer => super::dialog::mail::open(model),
        Action::Spell => super::spell::on_key(model),
        Action::Signature => toggle_signature(model),
        Action::Template => super::dialog::template::open(model),
        Action::Folder => super::dialog::folder::open(model),
        Action::Preview => {
            model.dialog = Some(Dialog::Preview { scroll: 0 });
            Outcome::redraw()
        }
        Action::Quote => {
            if model.form.answer.is_some() {
                model.dialog = Some(Dialog::Quote { scroll: 0 });
            } else {
                let key = model.session.keymap.keys_label(Action::Answer);
                model.status.push(StatusEntry::Info(format!(
                    "This draft answers nothing, so there is no quote: {key} picks a message to answer."
                )));
            }
            Outcome::redraw()
        }
        Action::Details => {
            model.status_whole = !model.status_whole;
            if model.save.server.id.is_none() {
                model.status.push(StatusEntry::Info(
                    "No draft saved yet: its id and webLink show here after the first save.".into(),
                ));
            }
            Outcome::redraw()
        }
        Action::More => super::dialog::more::open(model),
        Action::Attach => super::dialog::attach::open(model),
        Action::History => super::dialog::history::open(model),
        Action::OpenLink => match model.save.server.web_link.clone() {
            Some(link) if outlook_link(&link) => Outcome::none().with(vec![Effect::OpenUrl(link)]),
            Some(link) => {
                // Whatever a server says, only Outlook's own https pages open.
                model.status.push(StatusEntry::Info(format!(
                    "Not opened: the draft's link is not an Outlook on the web address ({}). Alt-W copies it if you want it anyway.",
                    crate::util::sanitize::line(&link.chars().take(120).collect::<String>())
                )));
                Outcome::redraw()
            }
            None => {
                model.status.push(StatusEntry::Info(
                    "Nothing to open yet: save the draft first (Ctrl-S).".into(),
                ));
                Outcome::redraw()
            }
        },
        Action::CycleFormat => {
            model.form.body_format = model.form.body_format.next();
            model.form.edited();
            model.status.push(StatusEntry::Info(format!(
                "Body format: {}.",
                model.form.body_format.label()
            )));
            Outcome::redraw()
        }
        Action::Cancel if model.save.retry.is_some() => save::cancel_retry(model),
        Action::Cancel if model.save.in_flight.is_some() => save::stop(model),
        Action::Cancel => Outcome::none(),
        Action::CopyLink | Action::CopyId => {
            let (what, value) = match action {
                Action::CopyLink => ("webLink", model.save.server.web_link.clone()),
                _ => ("id", model.save.server.id.clone()),
            };
            match value {
                Some(v) => {
                    model.status.push(StatusEntry::Info(format!(
                        "Copied the draft's {what} to your clipboard (OSC 52: the terminal must allow it; tmux needs set-clipboard on)."
                    )));
                    Outcome::redraw().with(vec![Effect::Copy(v)])
                }
                None => {
                    model.status.push(StatusEntry::Info(format!(
                        "Nothing to copy yet: the draft has no {what} until it is saved (Ctrl-S)."
                    )));
                    Outcome::redraw()
                }
            }
        }
    }
}

/// Hosts Outlook on the web answers on, in each cloud (global and GCC,
/// GCC High, DoD, 21Vianet, and outlook.com).
const OUTLOOK_HOSTS: &[&str] = &[
    "outlook.office365.com",
    "outlook.office.com",
    "outlook.live.com",
    "outlook.office365.us",
    "outlook-dod.office365.us",
    "partner.outlook.cn",
];

/// Whether a link is one to hand to the browser: https, on Outlook's host.
pub(crate) fn outlook_link(link: &str) -> bool {
    url::Url::parse(link).is_ok_and(|u| {
        u.scheme() == "https"
            && u.username().is_empty()
            && u.password().is_none()
            && u.port().is_none()
            && u.host_str().is_some_and(|h| OUTLOOK_HOSTS.contains(&h))
    })
}

fn move_focus(model: &mut Model, to: Field) -> Outcome {
    model.completion.suggest = Default::default();
    model.form.before_paste = None;
    let from = model.form.focus;
    if from.is_recipients() {
        // Check the field the user just left, so mistakes show early.
        let text = model.text(from);
        model.form.errors[from.index()] = crate::core::address::parse_list(&text).err();
    }
    model.form.focus = to;
    Outcome::redraw()
}

/// Empties the field the cursor is in; the undo key right after brings it back.
fn clear(model: &mut Model) -> Outcome {
    let focus = model.form.focus;
    if model.text(focus).is_empty() {
        return Outcome::none();
    }
    if focus == Field::Body {
        // A long body is windowed, so the widget's undo could not hold it all.
        let before = crate::tui::app::state::form::BodyBefore {
            text: model.body_text(),
            cursor: model.body_cursor(),
            what: "The cleared body was",
        };
        model.set_text(Field::Body, "");
        model.form.before_paste = Some(before);
        model.status.push(StatusEntry::Info(
            "Body cleared; undo (Ctrl-_) right away brings it back.".into(),
        ));
    } else {
        let ta = model.field_mut(focus);
        ta.select_all();
        ta.cut();
    }
    edited(model, focus)
}

fn edited(model: &mut Model, field: Field) -> Outcome {
    model.form.edited();
    if field == Field::Body {
        model.fit_body_wrap();
    }
    if field.is_recipients() {
        model.form.errors[field.index()] = None;
    }
    let effects = super::complete::refresh(model);
    Outcome::redraw().with(effects)
}

/// PageDown / Ctrl-V (down) and PageUp / Alt-V (up): a page in the body.
fn page_key(key: &KeyEvent) -> Option<bool> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::PageDown => Some(true),
        KeyCode::PageUp => Some(false),
        KeyCode::Char('v') if ctrl => Some(true),
        KeyCode::Char('v') if alt => Some(false),
        _ => None,
    }
}

/// What readline and Emacs do with a key, where the text widget's own
/// binding differs: Ctrl-U deletes to the start of the line (the widget's
/// undo), Ctrl-J is a newline (the widget's delete to the start), Ctrl-_
/// and Ctrl-/ undo (a terminal sends both as the byte 0x1F, read as
/// Ctrl-7), Alt-< and Alt-> go to the body's very start and end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Readline {
    KillToStart,
    Newline,
    Undo,
    Start,
    End,
}

fn readline(key: &KeyEvent) -> Option<Readline> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Char('u') if ctrl => Some(Readline::KillToStart),
        KeyCode::Char('j') | KeyCode::Char('m') if ctrl => Some(Readline::Newline),
        KeyCode::Char('7' | '_' | '/') if ctrl => Some(Readline::Undo),
        KeyCode::Char('<') if alt => Some(Readline::Start),
        KeyCode::Char('>') if alt => Some(Readline::End),
        _ => None,
    }
}

/// Backspace, Delete and the arrows take a whole grapheme cluster where it
/// is more than one character (an emoji with joiners, a letter with a
/// combining accent), as the eye sees it; `Some(changed)` when handled.
fn by_grapheme(ta: &mut ratatui_textarea::TextArea<'static>, key: &KeyEvent) -> Option<bool> {
    use ratatui_textarea::CursorMove;
    use unicode_segmentation::UnicodeSegmentation;
    if !key.modifiers.is_empty() || ta.is_selecting() {
        return None;
    }
    let ratatui_textarea::DataCursor(row, col) = ta.cursor();
    let line = ta.lines().get(row)?;
    let at = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let before = || {
        line[..at]
            .graphemes(true)
            .next_back()
            .map(|g| g.chars().count())
    };
    let after = || line[at..].graphemes(true).next().map(|g| g.chars().count());
    let n = match key.code {
        KeyCode::Backspace | KeyCode::Left => before(),
        KeyCode::Delete | KeyCode::Right => after(),
        _ => None,
    }
    .filter(|n| *n > 1)?;
    match key.code {
        KeyCode::Backspace => {
            (0..n).for_each(|_| ta.move_cursor(CursorMove::Back));
            Some(ta.delete_str(n))
        }
        KeyCode::Delete => Some(ta.delete_str(n)),
        KeyCode::Left => {
            (0..n).for_each(|_| ta.move_cursor(CursorMove::Back));
            Some(false)
        }
        _ => {
            (0..n).for_each(|_| ta.move_cursor(CursorMove::Forward));
            Some(false)
        }
    }
}

fn edit(model: &mut Model, key: KeyEvent) -> Outcome {
    let focus = model.form.focus;
    let rl = readline(&key);
    let newline = matches!(key.code, KeyCode::Enter) || rl == Some(Readline::Newline);
    if focus.is_single_line() && newline {
        return move_focus(model, focus.next());
    }
    if plain_char(&key).is_some()
        && let Some(max) = field_max(focus)
        && model.text(focus).chars().count() >= max
    {
        model.status.push(StatusEntry::Info(format!(
            "{} holds at most {max} characters.",
            focus.label()
        )));
        return Outcome::redraw();
    }
    if focus == Field::Body {
        // Undo right after a large paste takes the paste back whole.
        let undo = rl == Some(Readline::Undo);
        match model.form.before_paste.take() {
            Some(b) if undo => {
                model.set_text(Field::Body, &b.text);
                model.body_jump(b.cursor.0, b.cursor.1);
                model
                    .status
                    .push(StatusEntry::Info(format!("{} taken back.", b.what)));
                return edited(model, focus);
            }
            _ => {}
        }
        if let Some(down) = page_key(&key) {
            model.body_page(down);
            return Outcome::redraw();
        }
        if let Some(to_end) = match rl {
            Some(Readline::Start) => Some(false),
            Some(Readline::End) => Some(true),
            _ => None,
        } {
            let last = model.body_lines_total().saturating_sub(1);
            let (row, col) = match to_end {
                false => (0, 0),
                true => (last, model.body_line(last).map_or(0, |l| l.chars().count())),
            };
            model.body_jump(row, col);
            return Outcome::redraw();
        }
        model.body_before_key(&key);
    }
    let ta = model.field_mut(focus);
    let before = ta.cursor();
    if let Some(out) = by_grapheme(ta, &key) {
        if focus == Field::Body {
            model.body_reframe();
        }
        return match out {
            true => edited(model, focus),
            false => Outcome::redraw(),
        };
    }
    let changed = match rl {
        Some(Readline::KillToStart) => ta.delete_line_by_head(),
        Some(Readline::Newline) => {
            ta.insert_newline();
            true
        }
        Some(Readline::Undo) => ta.undo(),
        _ => ta.input(key),
    };
    if focus == Field::Body {
        model.body_reframe();
    }
    // A single-line field must never hold a newline (e.g. from the yank buffer).
    if changed && focus.is_single_line() && model.field(focus).lines().len() > 1 {
        let joined = model.field(focus).lines().join(" ");
        model.set_text(focus, &joined);
    }
    if changed {
        return edited(model, focus);
    }
    // Cursor moves and scrolling change the screen too.
    let moved = model.field(focus).cursor() != before;
    Outcome {
        then: None,
        effects: Vec::new(),
        redraw: moved || !matches!(key.code, KeyCode::F(_) | KeyCode::Null),
    }
}

fn on_paste(model: &mut Model, text: &str) -> Outcome {
    if super::dialog::recover::unarmed(model) {
        super::dialog::recover::step_aside(model);
    }
    if matches!(model.dialog, Some(Dialog::More { .. })) {
        return super::dialog::more::on_paste(model, text);
    }
    if matches!(model.dialog, Some(Dialog::Attach(_))) {
        return super::dialog::attach::on_paste(model, text);
    }
    if matches!(model.dialog, Some(Dialog::Mail(_))) {
        return super::dialog::mail::on_paste(model, text);
    }
    if model.dialog.is_some() {
        return Outcome::none();
    }
    let focus = model.form.focus;
    let mut clean = paste_for(focus, text);
    if clean.is_empty() {
        return Outcome::none();
    }
    if let Some(max) = field_max(focus) {
        let room = max.saturating_sub(model.text(focus).chars().count());
        if clean.chars().count() > room {
            clean = clean.chars().take(room).collect();
            model.status.push(StatusEntry::Info(format!(
                "{} holds at most {max} characters: the rest of the paste was left out.",
                focus.label()
            )));
        }
    }
    if focus == Field::Body {
        model.form.before_paste = None;
        // Pictures a paste names are confirmed once before they are sent.
        for src in crate::core::inline::any_local_images(&clean) {
            if !model.form.pasted.contains(&src) {
                model.form.pasted.push(src);
            }
        }
        model.body_insert(&clean);
    } else {
        model.field_mut(focus).insert_str(&clean);
    }
    edited(model, focus)
}

/// Drops the signature from this draft, or adds the profile's back.
fn toggle_signature(model: &mut Model) -> Outcome {
    let said = match (&model.form.signature, &model.session.signature) {
        (Some(_), _) => {
            model.form.signature = None;
            "Signature dropped from this draft."
        }
        (None, Some(s)) => {
            model.form.signature = Some(s.clone());
            "Signature added: it goes below the body when saved."
        }
        (None, None) => {
            "This profile has no signature: set signature or signature_file in the config (text, Markdown or HTML)."
        }
    };
    model.status.push(StatusEntry::Info(said.into()));
    if model.session.signature.is_some() {
        model.form.edited();
    }
    Outcome::redraw()
}

/// Gives the key to the open dialog, if there is one.
fn route_to_dialog(model: &mut Model, key: KeyEvent) -> Routed {
    let Some(open) = model.dialog.as_ref() else {
        return Routed::NoDialog;
    };
    let kind = std::mem::discriminant(open);
    let reply = match open {
        Dialog::Help { .. } => super::dialog::help::on_key(model, key),
        Dialog::ConfirmQuit => super::dialog::confirm_quit::on_key(model, key),
        Dialog::EmptyAnswer => super::dialog::empty_answer::on_key(model, key),
        Dialog::Conflict(_) => super::dialog::conflict::on_key(model, key),
        Dialog::Pictures(_) => super::dialog::pictures::on_key(model, key),
        Dialog::Recover { .. } => super::dialog::recover::on_key(model, key),
        Dialog::DraftGone | Dialog::DraftElsewhere(_) => {
            super::dialog::draft_gone::on_key(model, key)
        }
        Dialog::SignIn(_) => super::dialog::signin::on_key(model, key),
        Dialog::More { .. } => super::dialog::more::on_key(model, key),
        Dialog::Attach(_) => super::dialog::attach::on_key(model, key),
        Dialog::History(_) => super::dialog::history::on_key(model, key),
        Dialog::Mail(_) => super::dialog::mail::on_key(model, key),
        Dialog::Quote { .. } | Dialog::Preview { .. } => super::dialog::help::on_key(model, key),
        Dialog::Spell(_) => super::dialog::spell::on_key(model, key),
        Dialog::Template(_) => super::dialog::template::on_key(model, key),
        Dialog::Folder(_) => super::dialog::folder::on_key(model, key),
    };
    match reply {
        Reply::Stay(out) => Routed::Done(out),
        Reply::Close(mut out) => {
            if model.dialog.as_ref().map(std::mem::discriminant) == Some(kind) {
                model.dialog = None;
            }
            out.redraw = true;
            Routed::Done(out)
        }
        Reply::Pass => Routed::Global,
    }
}
