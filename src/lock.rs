//! One `extract --into` at a time per graph. Two runs updating one graph each read it,
//! add their documents and write it back: without a lock the later write drops the
//! earlier run's documents, and both report success.
//!
//! The lock is an advisory lock on the graph file itself, so nothing is left beside the
//! graph. The run that holds it renames a new file over the name, so a run that waited
//! then holds a lock on the old file: it locks again whatever the name leads to now.
//! Programs that take no lock (an editor, `merge -o`) are caught by a stamp of the file
//! taken when it was locked and compared just before the new graph is renamed into place.

use crate::error::{Error, Result};
use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a graph file was: a rename over it, an edit or a first write by someone else
/// changes at least one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Device and inode: a file renamed over the name has other ones.
    #[cfg(unix)]
    id: (u64, u64),
}

impl Stamp {
    fn of(meta: &Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            id: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino())
            },
        }
    }
}

/// Held for the whole of an `--into` run; released when dropped.
#[derive(Debug)]
pub struct UpdateLock {
    path: PathBuf,
    /// The locked file; `None` when the graph does not exist yet (there is nothing to lock:
    /// a graph that appears meanwhile is caught by [`UpdateLock::unchanged`]).
    _file: Option<File>,
    /// The graph as it was once locked; `None` when it did not exist.
    read: Option<Stamp>,
    /// Whether the stamp means anything: not for a device or pipe, which has no contents
    /// to lose and may report anything.
    checked: bool,
}

impl UpdateLock {
    /// Locks the graph at `path` for an update, waiting (and saying so on `err`) while
    /// another run holds it.
    pub fn acquire(path: &Path, err: &mut dyn Write) -> Result<UpdateLock> {
        let mut told = false;
        loop {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Ok(UpdateLock {
                        path: path.to_path_buf(),
                        _file: None,
                        read: None,
                        checked: true,
                    });
                }
                Err(e) => return Err(Error::io(path, e)),
            };
            let meta = file.metadata().map_err(|e| Error::io(path, e))?;
            if !meta.is_file() {
                return Ok(UpdateLock {
                    path: path.to_path_buf(),
                    _file: None,
                    read: None,
                    checked: false,
                });
            }
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    if !told {
                        told = true;
                        let _ = writeln!(
                            err,
                            "talkgraph: {}: another talkgraph run is updating it; waiting for it to finish",
                            path.display()
                        );
                    }
                    file.lock().map_err(|e| Error::io(path, e))?;
                }
                // A file system without locks: the stamp check alone guards the update.
                Err(fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {}
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
            // Taken after the lock: the run that held it may have written the file.
            let meta = file.metadata().map_err(|e| Error::io(path, e))?;
            let locked = Stamp::of(&meta);
            match fs::metadata(path) {
                Ok(now) if same_file(&Stamp::of(&now), &locked) => {
                    return Ok(UpdateLock {
                        path: path.to_path_buf(),
                        _file: Some(file),
                        read: Some(locked),
                        checked: true,
                    });
                }
                // The run we waited for renamed a new graph over the name (or removed it):
                // lock what the name leads to now.
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(path, e)),
            }
        }
    }

    /// An error unless the graph is still the one this run read: called just before the
    /// new graph replaces it, so that a write by another program is never undone.
    pub fn unchanged(&self) -> Result<()> {
        if !self.checked {
            return Ok(());
        }
        let now = match fs::metadata(&self.path) {
            Ok(m) => Some(Stamp::of(&m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        if now == self.read {
            return Ok(());
        }
        let what = match (&self.read, &now) {
            (None, _) => "it was written by another program while this run was working",
            (Some(_), None) => "it was removed while this run was working",
            (Some(_), Some(_)) => "it was changed by another program while this run was working",
        };
        Err(Error::Invalid {
            path: self.path.clone(),
            message: format!(
                "not updated: {what}, and writing this run's graph would undo that; nothing was written: run the update again"
            ),
        })
    }
}

fn same_file(a: &Stamp, b: &Stamp) -> bool {
    #[cfg(unix)]
    return a.id == b.id;
    #[cfg(not(unix))]
    return a == b;
}
