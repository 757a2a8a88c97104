//! What a run stopped by Ctrl-C must undo: the temporary files and folders it is writing
//! beside its outputs. The library only keeps their list; the binary's signal handler
//! calls [`abandon`] and exits (the library never exits).
//!
//! One lock covers the list and every step that creates a temporary or renames one into
//! place, so an interrupt never falls between creating a temporary and listing it, nor
//! in the middle of a rename: the output is then the old one or the whole new one.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Temporaries being written.
#[derive(Debug, Default)]
pub(crate) struct Pending(Mutex<Vec<PathBuf>>);

/// The process's temporaries.
static PENDING: Pending = Pending(Mutex::new(Vec::new()));

impl Pending {
    /// The list, even after a panic elsewhere left the lock poisoned: an interrupt must
    /// still be able to clean up.
    fn list(&self) -> MutexGuard<'_, Vec<PathBuf>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn track<T, E>(
        &self,
        make: impl FnOnce() -> Result<T, E>,
        path_of: impl FnOnce(&T) -> &Path,
    ) -> Result<(T, Tracked<'_>), E> {
        let mut list = self.list();
        let made = make()?;
        let path = path_of(&made).to_path_buf();
        list.push(path.clone());
        Ok((made, Tracked(self, path)))
    }

    fn abandon(&self) -> MutexGuard<'_, Vec<PathBuf>> {
        let mut list = self.list();
        for path in list.drain(..) {
            // A folder (Neo4j) or a file; already gone is fine.
            if std::fs::remove_dir_all(&path).is_err() {
                let _ = std::fs::remove_file(&path);
            }
        }
        list
    }
}

/// A temporary file or folder on the list; dropping it takes it off (it was renamed into
/// place, or removed by its own guard on an error).
#[derive(Debug)]
pub(crate) struct Tracked<'a>(&'a Pending, PathBuf);

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        let mut list = self.0.list();
        if let Some(i) = list.iter().position(|p| *p == self.1) {
            list.swap_remove(i);
        }
    }
}

/// Runs `make`, which creates a temporary at the path `path_of` gives, and lists that path
/// before an interrupt can be handled.
pub(crate) fn track<T, E>(
    make: impl FnOnce() -> Result<T, E>,
    path_of: impl FnOnce(&T) -> &Path,
) -> Result<(T, Tracked<'static>), E> {
    PENDING.track(make, path_of)
}

/// Runs `commit` (the renames that put temporaries in place) where no interrupt can cut
/// it short.
pub(crate) fn uninterrupted<T>(commit: impl FnOnce() -> T) -> T {
    let _held = PENDING.list();
    commit()
}

/// Removes every temporary a write in progress has made, and returns the lock, to be held
/// until the process exits: no write can then create another one or rename one into place.
pub fn abandon() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.abandon()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandon_removes_what_is_tracked_and_only_that() {
        // A list of its own: the process's list holds other tests' temporaries.
        let pending = Pending::default();
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept");
        std::fs::write(&kept, "x").unwrap();
        let tmp = dir.path().join(".out.tmp");
        let (_, tracked) = pending
            .track(
                || std::fs::write(&tmp, "partial").map(|_| tmp.clone()),
                |p| p.as_path(),
            )
            .unwrap();
        assert_eq!(pending.list().len(), 1);
        drop(pending.abandon());
        assert!(!tmp.exists());
        assert!(kept.exists());
        drop(tracked);
        assert!(pending.list().is_empty());
    }

    #[test]
    fn a_temporary_renamed_into_place_leaves_the_list() {
        let pending = Pending::default();
        let (_, tracked) = pending
            .track(|| Ok::<_, ()>(PathBuf::from("x")), |p| p.as_path())
            .unwrap();
        drop(tracked);
        assert!(pending.list().is_empty());
    }
}
