//! Where a command's time goes: wall and CPU time per stage, logged at the end of a stage under
//! the `wirewatch::timings` target (one line, `timings STAGE {json}`), which `cargo xtask bench
//! pipeline` reads to print its per-stage breakdown.
//!
//! CPU time comes from Linux's `/proc` (`schedstat` of the calling thread, in nanoseconds;
//! `stat` of the process, in clock ticks); elsewhere it reads as zero, and only the wall times
//! mean anything.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// CPU time the calling thread has run so far (zero where `/proc` is not available).
pub fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// CPU seconds (user + system) the whole process has used so far (zero where `/proc` is not
/// available).
pub fn process_cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (in parentheses, maybe with spaces) start at field 3.
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i - 3).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15, in USER_HZ ticks (100 a second on Linux).
    (tick(14) + tick(15)) / 100.0
}

/// A point in time on the calling thread: wall clock and the thread's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    wall: Instant,
    cpu: Duration,
}

impl Mark {
    /// Now.
    pub fn now() -> Mark {
        Mark { wall: Instant::now(), cpu: thread_cpu() }
    }
}

/// Wall and CPU time of the named parts of one stage.
#[derive(Debug, Default)]
pub struct StageClock {
    started: Option<Instant>,
    waited: Duration,
    parts: BTreeMap<&'static str, (Duration, Duration)>,
}

impl StageClock {
    /// Notes that work has begun (the first call starts the stage's span).
    pub fn start(&mut self) {
        self.started.get_or_insert_with(Instant::now);
    }

    /// Seconds since the first [`start`](Self::start).
    pub fn span(&self) -> f64 {
        self.started.map_or(0.0, |s| s.elapsed().as_secs_f64())
    }

    /// Adds the time since `since` (on this thread) to part `name`; returns now, to time the
    /// next part from.
    pub fn add(&mut self, name: &'static str, since: Mark) -> Mark {
        let now = Mark::now();
        self.add_times(name, now.wall - since.wall, now.cpu.saturating_sub(since.cpu));
        now
    }

    /// Adds wall and CPU time measured elsewhere (on other threads) to part `name`.
    pub fn add_times(&mut self, name: &'static str, wall: Duration, cpu: Duration) {
        let e = self.parts.entry(name).or_default();
        e.0 += wall;
        e.1 += cpu;
    }

    /// Time the calling thread spent waiting for other threads of the stage.
    pub fn waited(&mut self, d: Duration) {
        self.waited += d;
    }

    /// The stage as one JSON object: `span` and `waited` in seconds, and `parts`, each with
    /// `wall` and `cpu` seconds.
    pub fn json(&self) -> String {
        let parts: serde_json::Map<String, serde_json::Value> = self
            .parts
            .iter()
            .map(|(name, (wall, cpu))| {
                let v = serde_json::json!({"wall": wall.as_secs_f64(), "cpu": cpu.as_secs_f64()});
                ((*name).to_string(), v)
            })
            .collect();
        serde_json::json!({
            "span": self.span(),
            "waited": self.waited.as_secs_f64(),
            "parts": parts,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_adds_parts_and_reports_json() {
        let mut c = StageClock::default();
        c.start();
        let m = Mark::now();
        let _ = c.add("write", m);
        c.add_times("analyse", Duration::from_millis(1500), Duration::from_millis(2500));
        c.add_times("analyse", Duration::from_millis(500), Duration::from_millis(500));
        let v: serde_json::Value = serde_json::from_str(&c.json()).unwrap();
        assert_eq!(v["parts"]["analyse"]["wall"], 2.0);
        assert_eq!(v["parts"]["analyse"]["cpu"], 3.0);
        assert!(v["parts"]["write"]["wall"].as_f64().unwrap() >= 0.0);
        assert!(v["span"].as_f64().unwrap() >= 0.0);
    }
}
