//! The `skillmatch` command line. One file per subcommand under `cli/`, over the library.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: a nightly run makes hundreds of millions of small
/// allocations from several threads (parsed JSON, skill strings, report rows), and glibc's
/// malloc spent about a third of a 20k-candidate run in its own bookkeeping (docs/PERFORMANCE.md).
///
/// The `system-alloc` feature (off by default) keeps the system allocator, so that heap profilers
/// that hook `malloc` (heaptrack, valgrind's massif) see every allocation: docs/PERFORMANCE.md
/// "Where the memory goes" uses it.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
