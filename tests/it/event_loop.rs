//! The real event loop, driven by scripted terminal events into a `TestBackend`,
//! saving to the emulator. Checks the async flow and that bursts cost one draw.

use crate::common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use graft::tui::run::{Runner, run_loop};
use graft::tui::view::screen::Screen;
use graft_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

fn send_text(tx: &UnboundedSender<std::io::Result<Event>>, s: &str) {
    for c in s.chars() {
        tx.send(Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ))))
        .unwrap();
    }
}

fn send_key(tx: &UnboundedSender<std::io::Result<Event>>, code: KeyCode, mods: KeyModifiers) {
    tx.send(Ok(Event::Key(KeyEvent::new(code, mods)))).unwrap();
}

async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..2000 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_burst_of_keys_is_one_draw_and_a_save_comes_back_as_a_message() {
    // The edit below makes `h@contoso.comx`: inside the organisation too,
    // so the MailTips asked at the pause have nothing to say (no frame).
    let emu = Emulator::start(EmulatorConfig {
        accepted_domains: vec!["contoso.com".into(), "contoso.comx".into()],
        ..Default::default()
    })
    .unwrap();
    let client = common::client(&emu.graph_url()).build();
    let (tx, mut rx) = unbounded_channel::<std::io::Result<Event>>();
    let events = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let (backend, screen) = common::probe::Probe::new(80, 24);

    // 40 keys queued before the loop starts: one initial draw, one for the burst.
    send_text(&tx, "frank@contoso.com, gina@contoso.com, h@contoso.com");
    let task = tokio::spawn(async move {
        let mut terminal = Screen::new(backend).unwrap();
        let mut model = common::model();
        let (runner, mut rx) = Runner::new(client, None);
        let r = run_loop(&mut terminal, &mut model, events, &runner, &mut rx, vec![]).await;
        (r, model, terminal)
    });
    until("the burst to be drawn", || screen.frames() >= 2).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        screen.frames(),
        2,
        "initial frame + one frame for the burst"
    );

    // Idle: nothing happens, nothing is drawn.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(screen.frames(), 2, "no redraw while idle");

    send_key(&tx, KeyCode::Char('s'), KeyModifiers::CONTROL);
    // An answer within a few milliseconds costs one frame; a slower one (the
    // first request of a debug build opens its connection) shows "saving…"
    // first. Nothing is drawn after the answer.
    until("the result to be drawn", || {
        screen.text().contains("201 Created")
    })
    .await;
    assert_eq!(emu.messages().len(), 1);
    let frames = screen.frames();
    assert!(frames == 3 || frames == 4, "{frames} frames");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(screen.frames(), frames, "no redraw after the answer");

    // A slow answer: "saving…" shows first, then the answer.
    emu.inject(
        graft_emulator::Fault::action(graft_emulator::FaultAction::Delay(Duration::from_millis(
            300,
        )))
        .on("PATCH"),
    );
    send_text(&tx, "x");
    until("the key to be drawn", || screen.frames() > frames).await;
    send_key(&tx, KeyCode::Char('s'), KeyModifiers::CONTROL);
    until("saving… to be drawn", || screen.text().contains("saving")).await;
    assert_eq!(screen.frames(), frames + 2);
    until("the update to be drawn", || {
        screen.text().contains("200 OK")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(screen.frames(), frames + 3, "saving…, then the answer");

    send_key(&tx, KeyCode::Char('q'), KeyModifiers::CONTROL);
    let (r, model, terminal) = task.await.unwrap();
    r.unwrap();
    let id = emu.messages()[0]["id"].as_str().unwrap().to_string();
    assert_eq!(model.save.server.id.as_deref(), Some(id.as_str()));
    let _ = terminal;
    let to = emu.messages()[0]["toRecipients"].as_array().unwrap().len();
    assert_eq!(to, 3);
}
