//! How the probe runs an external program (`authelia`, `docker`, `systemctl`): through a
//! [`Runner`] the front end supplies, so the core decides what to run and reads the answer but
//! never spawns or waits itself.

use std::time::Duration;

/// How long one external command may take before it is stopped.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// What a finished program gave back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ran {
    /// The exit code (`None`: killed by a signal or stopped at the timeout).
    pub code: Option<i32>,
    /// What it wrote (its normal and its error output together, lossy UTF-8).
    pub text: String,
    /// Whether the timeout stopped it.
    pub timed_out: bool,
}

impl Ran {
    /// Whether it exited with 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }
}

/// Runs a program with arguments and a timeout.
pub trait Runner {
    /// Runs `program` with `args`; `Err` when it cannot be started (not installed).
    fn run(&self, program: &str, args: &[String], timeout: Duration) -> Result<Ran, String>;
    /// Whether `program` is on `PATH`.
    fn on_path(&self, program: &str) -> bool;
    /// Whether a file exists (the systemd unit).
    fn exists(&self, path: &str) -> bool {
        std::path::Path::new(path).exists()
    }
}
