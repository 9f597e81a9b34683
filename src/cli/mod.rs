//! The command line: clap arguments, `turquoise.toml`, one handler per
//! subcommand. Handlers call the library and print; they decide nothing.

use std::process::ExitCode;

pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
