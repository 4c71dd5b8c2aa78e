//! The command-line front end: parse, dispatch, map outcomes to exit codes.

mod args;
mod child_server;
mod load_cmd;
mod run_cmd;
mod serve_cmd;
mod spec_cmd;
mod suites_cmd;
mod target;

pub use target::reference_accounts;

use std::io::Write;

pub use args::{
    Cli, Command, ExportCommand, Format, LevelArg, LoadArgs, RunArgs, ServeArgs, SpecCommand, SuitesCommand,
};

use crate::diag::Diagnostics;
use crate::exit;
use crate::spec::SpecFiles;

/// Runs one parsed command line, writing to `out` and `err`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let files = match &cli.specs {
        Some(dir) => match SpecFiles::from_dir(dir) {
            Ok(files) => files,
            Err(d) => return report_diagnostics(err, &Diagnostics::single(d)),
        },
        None => SpecFiles::embedded(),
    };
    match cli.command {
        Command::Spec(command) => spec_cmd::run(command, &files, out, err),
        Command::Serve(args) => serve_cmd::run(&args, &files, out, err),
        Command::Run(args) => run_cmd::run(&args, &files, out, err),
        Command::Suites(command) => suites_cmd::run(command, &files, out, err),
        Command::Load(args) => load_cmd::run(&args, &files, cli.specs.as_deref(), out, err),
    }
}

/// The spec, loaded, compiled and cross-checked; or the exit code after printing why not. Every
/// command that talks to a target starts here, so a broken spec fails before the first request.
pub(crate) fn checked_spec(
    files: &SpecFiles,
    err: &mut dyn Write,
) -> Result<std::sync::Arc<crate::schema::SchemaRegistry>, u8> {
    let (registry, check) = crate::schema::load_checked(files).map_err(|d| report_diagnostics(err, &d))?;
    if !check.is_clean() {
        return Err(report_diagnostics(err, &Diagnostics(check.diagnostics)));
    }
    Ok(registry)
}

/// Prints diagnostics and returns the usage/input exit code.
pub(crate) fn report_diagnostics(err: &mut dyn Write, diagnostics: &Diagnostics) -> u8 {
    let _ = writeln!(err, "{diagnostics}");
    let n = diagnostics.0.len();
    let _ = writeln!(err, "\n{n} problem{} in the spec", if n == 1 { "" } else { "s" });
    exit::USAGE_ERROR
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn help_lists_exit_codes() {
        let help = super::Cli::command().render_long_help().to_string();
        assert!(help.contains(crate::exit::TABLE), "top-level --help must contain exit::TABLE:\n{help}");
    }
}
