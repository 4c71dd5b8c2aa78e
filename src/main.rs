use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = itsm_conform::cli::Cli::parse();
    let code = itsm_conform::cli::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    itsm_conform::exit::code(code)
}
