//! The binary: everything is in the library, starting at [`graft::entry`].

fn main() -> std::process::ExitCode {
    graft::entry::main()
}
