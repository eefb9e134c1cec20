//! The `skillmatch` command line. One file per subcommand under `cli/`, over the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
