//! A one-line progress bar for long extractions, drawn on stderr only when it is a terminal
//! (the caller says so), redrawn at most ten times a second, erased when done.
//! Hand-written: a dozen lines do not justify a dependency.

use crate::pipeline::Progress;
use std::io::Write;
use std::time::{Duration, Instant};

/// The bar's state; inert when not shown.
#[derive(Debug)]
pub struct Bar {
    shown: bool,
    started: Instant,
    last: Option<Instant>,
    drawn: bool,
}

impl Bar {
    /// A bar that draws only if `shown` (stderr is a terminal).
    pub fn new(shown: bool) -> Bar {
        Bar {
            shown,
            started: Instant::now(),
            last: None,
            drawn: false,
        }
    }

    /// Redraws the bar if it is shown and the last redraw is old enough.
    pub fn update(&mut self, p: Progress, err: &mut dyn Write) {
        if !self.shown {
            return;
        }
        let now = Instant::now();
        if p.done < p.total
            && self
                .last
                .is_some_and(|l| now - l < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        self.drawn = true;
        let _ = write!(err, "\r\x1b[K{}", render(p, now - self.started));
        let _ = err.flush();
    }

    /// Erases the bar.
    pub fn finish(&mut self, err: &mut dyn Write) {
        if self.drawn {
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// `[#########-----------]  412/1000 documents  5.1 MB  12.3 MB/s  ETA 0:07`
fn render(p: Progress, elapsed: Duration) -> String {
    const WIDTH: usize = 24;
    let filled = (p.done * WIDTH).checked_div(p.total).unwrap_or(WIDTH);
    let mb = p.bytes as f64 / 1e6;
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { mb / secs } else { 0.0 };
    let eta = if p.done > 0 && p.done < p.total {
        let left = secs * (p.total - p.done) as f64 / p.done as f64;
        format!("  ETA {}:{:02}", left as u64 / 60, left as u64 % 60)
    } else {
        String::new()
    };
    format!(
        "[{}{}] {:>w$}/{} documents  {mb:.1} MB  {rate:.1} MB/s{eta}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        p.done,
        p.total,
        w = p.total.to_string().len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_rate_and_eta() {
        let p = Progress {
            done: 250,
            total: 1000,
            bytes: 5_000_000,
        };
        assert_eq!(
            render(p, Duration::from_secs(2)),
            "[######------------------]  250/1000 documents  5.0 MB  2.5 MB/s  ETA 0:06"
        );
    }

    #[test]
    fn draws_nothing_unless_shown() {
        let mut out = Vec::new();
        let mut bar = Bar::new(false);
        let p = Progress {
            done: 1,
            total: 1,
            bytes: 1,
        };
        bar.update(p, &mut out);
        bar.finish(&mut out);
        assert!(out.is_empty());
        let mut bar = Bar::new(true);
        bar.update(p, &mut out);
        bar.finish(&mut out);
        assert!(String::from_utf8(out).unwrap().contains("1/1 documents"));
    }
}
