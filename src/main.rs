//! The thin binary: parse, run, map the outcome to an exit code (0 ok, 1 no match, a score
//! below its minimum or graphs that differ, 2 error, 3 partial: some inputs left out, 130
//! interrupted).
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Ctrl-C: remove the temporaries being written (outputs keep their old bytes), then
    // exit 130 as a shell reports an interrupted command; the lock is kept so no rename runs.
    let _ = ctrlc::set_handler(|| {
        let _held = talkgraph::interrupt::abandon();
        eprintln!("talkgraph: interrupted: no output was left half-written");
        std::process::exit(130);
    });
    let cli = talkgraph::cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let result =
        talkgraph::cli::run_with(cli, &mut out, &mut std::io::stderr(), tty).and_then(|exit| {
            std::io::Write::flush(&mut out)
                .map(|_| exit)
                .map_err(|e| talkgraph::Error::io("<stdout>", e))
        });
    match result {
        Ok(talkgraph::cli::Exit::Ok) => ExitCode::SUCCESS,
        Ok(
            talkgraph::cli::Exit::NoMatch
            | talkgraph::cli::Exit::BelowThreshold
            | talkgraph::cli::Exit::Differ
            | talkgraph::cli::Exit::Failed,
        ) => ExitCode::from(1),
        Ok(talkgraph::cli::Exit::Partial) => ExitCode::from(3),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talkgraph: {e}");
            ExitCode::from(2)
        }
    }
}
