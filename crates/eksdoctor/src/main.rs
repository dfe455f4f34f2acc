//! The `eksdoctor` binary: parse arguments, run the subcommand, map the outcome to an exit status
//! (0 nothing at or above `--fail-on`, 1 findings, 2 the tool could not do its job).

pub mod args;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Transparent huge pages: mimalloc's arenas get 2 MiB pages that the kernel zeroes whole on
    // first touch, and again after each purge; a scan touches memory in small pieces, so they
    // cost more than they save (measured: bench/README.md).
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        args::Command::Scan(a) => commands::scan::run(a),
        args::Command::Cluster(a) => commands::cluster::run(a),
        args::Command::MaxPods(a) => commands::max_pods::run(a),
        args::Command::Versions(a) => commands::versions::run(a),
        args::Command::Upgrade(a) => commands::upgrade::run(a),
        args::Command::Plan(args::PlanCommand::Subnets(a)) => commands::plan::run(a),
        args::Command::Rules(a) => commands::rules::list(a),
        args::Command::Explain(a) => commands::rules::explain(a),
        args::Command::Completions(a) => commands::rules::completions(a),
        args::Command::Man => commands::rules::man(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("eksdoctor: {e:#}");
            ExitCode::from(2)
        }
    }
}

// The scan allocates many small values across threads; mimalloc is markedly faster than the
// system allocator at that (measured: bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
