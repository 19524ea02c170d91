//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Where the reference material is: `$OIDC_WIZARD_SHARED`, else `../shared` beside the
/// repository.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("OIDC_WIZARD_SHARED") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// What a test needing the reference material does when it is at `dir` (or absent): run with
/// it, skip when the user opted out with `OIDC_WIZARD_NO_SHARED=1`, else fail with the way out.
pub fn locate(dir: PathBuf, opted_out: bool, test: &str) -> Result<Option<PathBuf>, String> {
    if dir.is_dir() {
        Ok(Some(dir))
    } else if opted_out {
        Ok(None)
    } else {
        Err(format!(
            "{test} cannot run: the reference material {} is absent; put it there, point \
             OIDC_WIZARD_SHARED at it, or set OIDC_WIZARD_NO_SHARED=1 to skip these tests",
            dir.display()
        ))
    }
}

/// The reference material for `test`. Absent, the test fails, unless `OIDC_WIZARD_NO_SHARED=1`:
/// then `None` (the caller returns) after a line on stderr.
pub fn shared(test: &str) -> Option<PathBuf> {
    let opted_out = std::env::var("OIDC_WIZARD_NO_SHARED").is_ok_and(|v| v == "1");
    match locate(shared_dir(), opted_out, test) {
        Ok(Some(p)) => Some(p),
        Ok(None) => {
            eprintln!("SKIPPED (OIDC_WIZARD_NO_SHARED=1): {test}");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// The docs' digest of `insecure_secret`.
pub const INSECURE_DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
