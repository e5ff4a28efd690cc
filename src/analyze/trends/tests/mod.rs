//! Table tests for the trend rules over synthetic series: a fixed `NOW`, a
//! deterministic noise generator, and builders for series. Each submodule
//! takes one rule; every assertion names its case.

mod certificate;
mod disk;
mod fit;
mod format;
mod latency;
mod memory;
mod restarts;
mod swap;

use super::*;

/// The injected clock: 2025-06-15T15:06:40Z.
const NOW: i64 = 1_750_000_000;
const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// A tiny linear congruential generator (Knuth's MMIX constants), so noise
/// is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(2_862_933_555_777_941_757)
            .wrapping_add(3_037_000_493))
    }

    /// Uniform in [-1, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

/// Points every `step` seconds from `from` to `to` inclusive, valued by `f`.
fn series(from: i64, to: i64, step: i64, f: impl Fn(i64) -> f64) -> Vec<Point> {
    (0..)
        .map(|i| from + i * step)
        .take_while(|&at| at <= to)
        .map(|at| Point::new(at, f(at)))
        .collect()
}

/// `series` plus uniform noise of `±amplitude` from `seed`.
fn noisy(
    from: i64,
    to: i64,
    step: i64,
    amplitude: f64,
    seed: u64,
    f: impl Fn(i64) -> f64,
) -> Vec<Point> {
    let mut rng = Lcg::new(seed);
    series(from, to, step, f)
        .into_iter()
        .map(|p| Point::new(p.at, p.value + amplitude * rng.next()))
        .collect()
}

/// A straight line through `value` at `NOW`, changing by `per_hour`.
fn line(value_now: f64, per_hour: f64) -> impl Fn(i64) -> f64 {
    move |at| value_now + per_hour * (at - NOW) as f64 / HOUR as f64
}

fn policy() -> TrendPolicy {
    TrendPolicy::default()
}
