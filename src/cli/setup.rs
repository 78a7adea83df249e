//! `graft config`, `completions`, `man`: setting graft up.

use crate::config::args::Cli;
use crate::config::{self, Error};
use std::io::Write;

pub fn config(action: &crate::config::args::ConfigAction) -> Result<(), Error> {
    let path = config::config_path()
        .ok_or_else(|| Error::service("no config directory (set GRAFT_CONFIG)"))?;
    let mut out = std::io::stdout();
    match action {
        crate::config::args::ConfigAction::Path => {
            let _ = writeln!(out, "{}", path.display());
        }
        crate::config::args::ConfigAction::Init => {
            if path.exists() {
                return Err(Error::usage(format!(
                    "{} exists already; not overwritten",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::service(format!("{}: {e}", dir.display())))?;
            }
            crate::util::fs::write_atomic(&path, crate::config::EXAMPLE_CONFIG.as_bytes())
                .map_err(|e| Error::service(format!("{}: {e}", path.display())))?;
            let _ = writeln!(out, "Wrote {}", path.display());
        }
    }
    Ok(())
}

pub fn completions(shell: clap_complete::Shell) -> Result<(), Error> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "graft", &mut std::io::stdout());
    Ok(())
}

pub fn man() -> Result<(), Error> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .map_err(|e| Error::terminal(e.to_string()))
}
