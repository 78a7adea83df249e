//! `graft emulator`: the Graph emulator on a port, for trying graft by hand.

use crate::config::Error;
use graft_emulator::{Emulator, EmulatorConfig};
use std::io::Write;

pub(crate) fn run_emulator(port: u16, token: String) -> Result<(), Error> {
    let config = EmulatorConfig {
        tokens: vec![token],
        inbox: graft_emulator::seeded_inbox(&EmulatorConfig::default().user_principal_name),
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start_on(config, port)
        .map_err(|e| Error::service(format!("cannot start the emulator: {e}")))?;
    // Write errors are ignored: whoever started us may stop reading.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Graph emulator listening: {}", emu.graph_url());
    let _ = writeln!(
        out,
        "Try: GRAFT_ACCESS_TOKEN=<accepted token> graft --graph-url {}   (sign-in: --authority-url {})",
        emu.graph_url(),
        emu.authority_url()
    );
    let _ = out.flush();
    emu.wait();
    Ok(())
}
