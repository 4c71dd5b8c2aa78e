//! The command-line front end: parse, dispatch, map outcomes and errors to exit codes.

mod args;
mod child_server;
mod error;
mod load_cmd;
mod run_cmd;
mod serve_cmd;
mod spec_cmd;
mod suites_cmd;
mod target;

pub use target::{reference_accounts, TargetError};

use std::io::Write;

pub use args::{
    Cli, Command, DurationError, ExportCommand, Format, LevelArg, LoadArgs, RunArgs, ServeArgs, SpecCommand,
    SuitesCommand,
};
pub use child_server::{ChildServerError, NotReady};
pub use error::CliError;

use crate::diag::Diagnostics;
use crate::spec::SpecFiles;

/// Runs one parsed command line, writing to `out` and `err`; returns the exit code. An error is
/// rendered here, once, and nowhere else.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match dispatch(cli, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = e.render(err);
            e.exit_code()
        }
    }
}

/// The command's outcome as its exit code (0, or a verdict's: 1, 4, 5, or 3 for a run that ended
/// in ERROR), or why it could not do its work.
fn dispatch(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let files = match &cli.specs {
        Some(dir) => SpecFiles::from_dir(dir).map_err(|d| CliError::Spec(Diagnostics::single(d)))?,
        None => SpecFiles::embedded(),
    };
    match cli.command {
        Command::Spec(command) => spec_cmd::run(command, &files, out),
        Command::Serve(args) => serve_cmd::run(&args, &files, out, err),
        Command::Run(args) => run_cmd::run(&args, &files, out, err),
        Command::Suites(command) => suites_cmd::run(command, &files, out),
        Command::Load(args) => load_cmd::run(&args, &files, cli.specs.as_deref(), out, err),
    }
}

/// The spec, loaded, compiled and cross-checked. Every command that talks to a target starts here,
/// so a broken spec fails before the first request.
pub(crate) fn checked_spec(files: &SpecFiles) -> Result<std::sync::Arc<crate::schema::SchemaRegistry>, CliError> {
    let (registry, check) = crate::schema::load_checked(files).map_err(CliError::Spec)?;
    if !check.is_clean() {
        return Err(CliError::Spec(Diagnostics(check.diagnostics)));
    }
    Ok(registry)
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
