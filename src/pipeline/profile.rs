//! A profile of the whole run, per stage: wall time, CPU time (all threads, user + system) and
//! how much the process's peak resident memory grew during the stage. Recorded in the
//! manifest's `run` block (it varies from run to run), so a regression shows where it is.

use std::time::Instant;

use crate::report::manifest::{StageCost, peak_rss_kib};

/// A stage being measured.
pub struct Meter {
    start: Instant,
    cpu_ms: u64,
    peak_kib: u64,
}

impl Meter {
    /// Starts measuring now.
    pub fn start() -> Meter {
        Meter { start: Instant::now(), cpu_ms: cpu_ms(), peak_kib: peak_rss_kib().unwrap_or(0) }
    }

    /// The cost since [`Meter::start`].
    pub fn stop(&self) -> StageCost {
        let peak = peak_rss_kib().unwrap_or(0);
        StageCost {
            wall_ms: self.start.elapsed().as_millis() as u64,
            cpu_ms: cpu_ms().saturating_sub(self.cpu_ms),
            peak_rss_growth_kib: peak.saturating_sub(self.peak_kib),
        }
    }

    /// When the stage started.
    pub fn started(&self) -> Instant {
        self.start
    }
}

/// CPU time this process has used so far (all threads, user + system), in milliseconds.
fn cpu_ms() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete `rusage` into the pointer it is given and reads nothing.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return 0;
    }
    // SAFETY: rc == 0 means the kernel filled the struct.
    let u = unsafe { usage.assume_init() };
    let ms = |t: libc::timeval| t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
    ms(u.ru_utime) + ms(u.ru_stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_stage_costs_cpu_time_and_a_large_allocation_grows_the_peak() {
        let meter = Meter::start();
        let mut x = 0u64;
        let t = Instant::now();
        while t.elapsed().as_millis() < 60 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        // 128 MiB written.
        let v = std::hint::black_box(vec![1u8; 128 << 20]);
        let cost = meter.stop();
        assert!(std::hint::black_box(x) != 1 || v[0] == 1);
        assert!(cost.wall_ms >= 60, "{cost:?}");
        assert!(cost.cpu_ms >= 30, "a busy loop uses CPU: {cost:?}");
        if peak_rss_kib().is_some() {
            assert!(cost.peak_rss_growth_kib >= 64 << 10, "{cost:?}");
        }
        drop(v);
    }
}
