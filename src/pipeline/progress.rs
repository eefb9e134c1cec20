//! Progress: a progress bar on a terminal, plain timestamped log lines otherwise (cron, CI).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, log lines otherwise.
    Auto,
    /// Always plain log lines on stderr.
    Plain,
    /// Nothing.
    Quiet,
}

/// Reports stage starts and ends.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
}

impl Progress {
    /// Creates a reporter for `stages` stages.
    pub fn new(mode: ProgressMode, stages: u64) -> Progress {
        let tty = std::io::stderr().is_terminal();
        match mode {
            ProgressMode::Auto if tty => {
                let bar = ProgressBar::new(stages);
                let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar.enable_steady_tick(Duration::from_millis(120));
                Progress { bar: Some(bar), plain: false }
            }
            ProgressMode::Quiet => Progress { bar: None, plain: false },
            _ => Progress { bar: None, plain: true },
        }
    }

    /// A stage starts.
    pub fn start(&self, stage: &str, detail: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{stage}: {detail}"));
        } else if self.plain {
            eprintln!("{} skillmatch: {stage}: {detail}", now());
        }
    }

    /// A stage ends.
    pub fn finish(&self, stage: &str, elapsed: Duration, summary: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.println(format!("{stage:>10} {:>8.2?}  {summary}", elapsed));
        } else if self.plain {
            eprintln!("{} skillmatch: {stage} done in {} ms: {summary}", now(), elapsed.as_millis());
        }
    }

    /// All stages are done.
    pub fn close(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
