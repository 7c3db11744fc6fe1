//! Writing the model file `train --out` names, so that a save never loses a model: the bytes go to
//! a temporary file in the same folder, are flushed to disk, and only then renamed over the target
//! (a rename within one file system is atomic, so a reader or a crash sees the old file or the
//! new one, never a truncated one). An existing file is replaced only with `--force`, and the
//! folder is checked for writability before training, not after the last epoch.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::CliResult;

/// Where the model goes, checked by [`OutFile::check`].
#[derive(Debug)]
pub struct OutFile {
    path: PathBuf,
    dir: PathBuf,
    name: String,
    force: bool,
}

impl OutFile {
    /// Everything that would make the save fail, checked before any training: the name, an
    /// existing file without `force`, a directory in the way, and a folder we cannot write to
    /// (probed by creating and removing a temporary file there, the same way the save will).
    pub fn check(path: &Path, force: bool) -> CliResult<OutFile> {
        let shown = path.display();
        if path.as_os_str().is_empty() {
            return Err("--out needs a file name".into());
        }
        let name = match path.file_name().and_then(|n| n.to_str()) {
            Some(n) => n.to_string(),
            None => return Err(format!("--out {shown} does not end in a file name").into()),
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let out = OutFile { path: path.to_path_buf(), dir, name, force };
        out.check_target()?;
        match out.dir.metadata() {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("--out {shown}: {} is not a directory", out.dir.display()).into()),
            Err(e) => return Err(format!("--out {shown}: folder {}: {e}", out.dir.display()).into()),
        }
        let (probe, file) = out.create_temp().map_err(|e| format!("--out {shown}: cannot write in {}: {e}", out.dir.display()))?;
        drop(file);
        let _ = fs::remove_file(&probe);
        Ok(out)
    }

    /// The path to show in messages and reports.
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// Writes `bytes` atomically: temporary file, fsync, rename, fsync of the folder.
    pub fn write(&self, bytes: &[u8]) -> CliResult<()> {
        // Checked again: the file may have appeared while the network trained.
        self.check_target()?;
        let (tmp, mut file) = self.create_temp().map_err(|e| self.failed(e))?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        if let Err(e) = written.and_then(|()| fs::rename(&tmp, &self.path)) {
            let _ = fs::remove_file(&tmp);
            return Err(self.failed(e).into());
        }
        // The rename itself is durable only once the folder is flushed. Some file systems refuse
        // to fsync a directory (EINVAL); the model is complete by then, so that is not an error.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    fn check_target(&self) -> CliResult<()> {
        let shown = self.path.display();
        match fs::symlink_metadata(&self.path) {
            Ok(m) if m.is_dir() => Err(format!("--out {shown} is a directory").into()),
            Ok(_) if !self.force => Err(format!("--out {shown} already exists; pass --force to replace it").into()),
            Ok(_) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("--out {shown}: {e}").into()),
        }
    }

    /// A new, hidden file next to the target (same folder, hence same file system, so the rename
    /// is atomic). `create_new` never reuses a file a killed run left behind.
    fn create_temp(&self) -> std::io::Result<(PathBuf, File)> {
        let pid = std::process::id();
        let mut attempt = 0u32;
        loop {
            let tmp = self.dir.join(format!(".{}.{pid}-{attempt}.tmp", self.name));
            match OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(f) => return Ok((tmp, f)),
                Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }

    fn failed(&self, e: std::io::Error) -> String {
        format!("cannot write model {}: {e}", self.path.display())
    }
}
