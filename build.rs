//! Links the unwinder into the binary on glibc systems, when the C
//! compiler has it as a static archive: without libgcc_s.so no start
//! loads it or runs its constructor, which asks the CPU for its features
//! (docs/performance.md, "Startup at nano's, keeping a position-independent
//! binary"). Elsewhere nothing changes.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    let target = std::env::var("TARGET").unwrap_or_default();
    // Native builds only: a cross build's `cc` may not be the target's.
    if !target.ends_with("-linux-gnu") || std::env::var("HOST").ok() != Some(target) {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let found = std::process::Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|p| std::path::Path::new(p).is_absolute() && std::path::Path::new(p).exists());
    if found.is_some() {
        // Whole: every unwinder symbol is defined before the standard
        // library asks for one, so the linker never needs libgcc_s.
        println!("cargo:rustc-link-lib=static:+whole-archive,-bundle=gcc_eh");
    }
}
