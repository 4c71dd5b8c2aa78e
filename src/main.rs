use std::process::ExitCode;

use clap::Parser;

// Per-request JSON trees (load generator, reference server) are small and short-lived: mimalloc
// serves them markedly cheaper than glibc malloc (see scripts/bench-load.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = itsm_conform::cli::Cli::parse();
    let code = itsm_conform::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr());
    // Not locked: worker threads (progress bar, logs) write to the same streams while a command runs.
    itsm_conform::exit::code(code)
}
