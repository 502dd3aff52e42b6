//! Writing the files a command produces (credentials, status lists, the
//! profile, did.json): the one place the registrar writes a file that may
//! already exist.
//!
//! A target must be a regular file or absent: a symbolic link, directory,
//! character or block device, FIFO or socket is refused (`-o /dev/null`
//! as root must not replace the system's `/dev/null`). An existing file is
//! only replaced when the caller says so ([`Existing::Replace`], e.g. with
//! `--force`). Bytes go to a temporary file in the same directory, are
//! synced, and are renamed over the target, so a reader sees the old file
//! or the new one, never half of one.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{CliError, Result};

/// What to do when the target already exists as a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse (the caller may offer `--force`).
    Refuse,
    /// Replace it.
    Replace,
}

/// Mode of files anyone may read (credentials, status lists, profile).
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of files only the owner may read (the rotation journal).
pub const PRIVATE_MODE: u32 = 0o600;

/// Checks that `path` may be written under `existing`, without writing.
pub fn check_target(path: &Path, existing: Existing) -> Result<()> {
    existing_file(path, existing).map(|_| ())
}

/// [`check_target`], returning the metadata of the regular file that is
/// there, if one is.
fn existing_file(path: &Path, existing: Existing) -> Result<Option<fs::Metadata>> {
    let refuse = |reason: &str| CliError::OutputRefused {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CliError::io(path, e)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refuse("is a symbolic link; write to the file itself"));
    }
    if kind.is_dir() {
        return Err(refuse("is a directory"));
    }
    if !kind.is_file() {
        return Err(refuse(
            "is not a regular file (a device, FIFO or socket); refusing to replace it",
        ));
    }
    if existing == Existing::Refuse {
        return Err(refuse("already exists; pass --force to replace it"));
    }
    Ok(Some(meta))
}

/// Writes `bytes` to `path` through a synced temporary file in the same
/// directory and a rename, after [`check_target`]. A new file gets `mode`;
/// a replaced file keeps the permissions it had.
pub fn write_file(path: &Path, bytes: &[u8], existing: Existing, mode: u32) -> Result<()> {
    let previous = existing_file(path, existing)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| CliError::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = match &previous {
            Some(meta) => meta.permissions(),
            None => fs::Permissions::from_mode(mode),
        };
        tmp.as_file()
            .set_permissions(permissions)
            .map_err(|e| CliError::io(tmp.path(), e))?;
    }
    #[cfg(not(unix))]
    let _ = (mode, previous);
    tmp.write_all(bytes).map_err(|e| CliError::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| CliError::io(path, e))?;
    match existing {
        // Linking fails if something appeared at `path` since the check.
        Existing::Refuse => tmp.persist_noclobber(path).map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => CliError::OutputRefused {
                path: path.to_owned(),
                reason: "already exists; pass --force to replace it".into(),
            },
            _ => CliError::io(path, e.error),
        })?,
        Existing::Replace => tmp.persist(path).map_err(|e| CliError::io(path, e.error))?,
    };
    sync_dir(dir);
    Ok(())
}

/// The name prefix and suffix of [`write_file`]'s temporary files.
const TEMP_PREFIX: &str = ".registrar-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes the temporary files a killed [`write_file`] left in `dir`
/// (regular files named `.registrar-*.tmp`; links and anything else are
/// left alone). A resumed batch calls it first, so an interrupted run
/// leaves nothing behind but finished credential files.
pub fn remove_stale_temp_files(dir: &Path) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(CliError::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io(dir, e))?;
        let name = entry.file_name();
        let is_temp = name
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX));
        if is_temp && entry.file_type().is_ok_and(|t| t.is_file()) {
            fs::remove_file(entry.path()).map_err(|e| CliError::io(&entry.path(), e))?;
        }
    }
    Ok(())
}

/// Makes a rename in `dir` durable (best effort: not every platform can
/// open a directory).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A file name made from outside input (a student id): only ASCII letters,
/// digits, `-`, `_` and `.` are kept (anything else, including `/`, `\` and
/// NUL, becomes `_`), and a leading `.` becomes `_`, so the name is never
/// hidden, never `.` or `..`, and never leaves its directory.
pub fn safe_file_stem(input: &str) -> String {
    let mut out: String = input
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly
mod tests {
    use super::*;

    /// A batch killed inside `write_file` left `.registrar-*.tmp` beside the
    /// credentials; the resumed batch must not leave it there.
    #[test]
    fn regression_temp_files_of_a_killed_write_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".registrar-Ab12Cd.tmp");
        fs::write(&stale, b"half a credential").unwrap();
        let credential = dir.path().join("S000001.json");
        fs::write(&credential, b"{}").unwrap();
        let lookalike = dir.path().join(".registrar-notes.txt");
        fs::write(&lookalike, b"kept").unwrap();
        #[cfg(unix)]
        let link = {
            let link = dir.path().join(".registrar-link.tmp");
            std::os::unix::fs::symlink(&credential, &link).unwrap();
            link
        };
        remove_stale_temp_files(dir.path()).unwrap();
        assert!(!stale.exists());
        assert!(credential.exists() && lookalike.exists());
        #[cfg(unix)]
        assert!(fs::symlink_metadata(&link).is_ok(), "a link is not ours to remove");
        remove_stale_temp_files(&dir.path().join("missing")).unwrap();
    }

    #[test]
    fn regression_file_names_from_input_are_never_hidden_or_escaping() {
        for (input, expected) in [
            (".hidden", "_hidden"),
            ("..", "_."),
            ("../../etc/passwd", "_._.._etc_passwd"),
            ("a/b", "a_b"),
            ("a\\b", "a_b"),
            ("nul\0byte", "nul_byte"),
            ("", "_"),
            ("S000001", "S000001"),
            ("李", "_"),
        ] {
            let got = safe_file_stem(input);
            assert_eq!(got, expected, "{input:?}");
            assert!(!got.starts_with('.') && !got.contains('/') && !got.contains('\0'));
        }
    }

    #[test]
    fn regression_output_refuses_links_directories_and_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        write_file(&file, b"one", Existing::Refuse, PUBLIC_MODE).unwrap();
        assert!(matches!(
            write_file(&file, b"two", Existing::Refuse, PUBLIC_MODE),
            Err(CliError::OutputRefused { ref reason, .. }) if reason.contains("--force")
        ));
        assert_eq!(fs::read(&file).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o644);
            // A replaced file keeps the permissions its owner gave it.
            fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
            write_file(&file, b"two", Existing::Replace, PUBLIC_MODE).unwrap();
            assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
            fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        }
        write_file(&file, b"two", Existing::Replace, PUBLIC_MODE).unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"two");
        assert!(matches!(
            write_file(dir.path(), b"x", Existing::Replace, PUBLIC_MODE),
            Err(CliError::OutputRefused { ref reason, .. }) if reason.contains("directory")
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o644);
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(matches!(
                write_file(&link, b"x", Existing::Replace, PUBLIC_MODE),
                Err(CliError::OutputRefused { ref reason, .. }) if reason.contains("symbolic link")
            ));
            assert_eq!(fs::read(&file).unwrap(), b"two");
            assert!(matches!(
                write_file(Path::new("/dev/null"), b"x", Existing::Replace, PUBLIC_MODE),
                Err(CliError::OutputRefused { ref reason, .. }) if reason.contains("not a regular file")
            ));
        }
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
