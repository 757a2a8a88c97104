//! What a newcomer installs along with the binary: shell completions and manual pages,
//! both generated from the clap definition in `cli` so they never drift from the flags,
//! and the lists of files `rules dump` and `rules init` write. No extraction here.

use crate::cli::{Cli, Exit};
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `completions --help`: where each shell looks for the script.
pub const COMPLETIONS_HELP: &str = "Examples:
  talkgraph completions bash
  talkgraph completions zsh

Install (one of):
  talkgraph completions bash > ~/.local/share/bash-completion/completions/talkgraph
  talkgraph completions zsh > ~/.zfunc/_talkgraph    # with fpath+=(~/.zfunc) before compinit
  talkgraph completions fish > ~/.config/fish/completions/talkgraph.fish";

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// `talkgraph completions SHELL`: the script on `out`. Generated into memory first: the
/// generator panics on a write error, and a closed pipe is not a bug.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<Exit> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "talkgraph", &mut buf);
    out.write_all(&buf).map_err(stdout_error)?;
    Ok(Exit::Ok)
}

/// `talkgraph man`: talkgraph.1 on `out`, or with `dir` one page per command and
/// subcommand written there (talkgraph-rules-check.1 …), each path printed.
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<Exit> {
    let cmd = Cli::command();
    let Some(dir) = dir else {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut buf)
            .map_err(stdout_error)?;
        out.write_all(&buf).map_err(stdout_error)?;
        return Ok(Exit::Ok);
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // As clap_mangen::generate_to, keeping the paths to say what was written.
    fn pages(cmd: clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            pages(sub, dir, written)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let path = dir.join(man.get_filename());
        man.generate_to(dir).map_err(|e| Error::io(&path, e))?;
        written.push(path);
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    pages(cmd, dir, &mut written)?;
    written.sort();
    wrote(&written, out)
}

/// One line per file written, for commands that write files the user asked for.
pub fn wrote(paths: &[PathBuf], out: &mut dyn Write) -> Result<Exit> {
    for p in paths {
        writeln!(out, "wrote {}", p.display()).map_err(stdout_error)?;
    }
    Ok(Exit::Ok)
}
