//! The simulation: the series of a host, their values, and a day of minute
//! samples per transaction with `retention::apply` after each day.

use std::path::Path;
use std::time::{Duration, Instant};

use medic::store::{self, RetentionPolicy, retention};
use rusqlite::{Connection, params};

use super::{Args, Error, file_size, mib, time, ts};

/// The series of one host: (target kind, target name, metric).
pub const SERIES: &[(&str, &str, &str)] = &[
    ("host", "", "up"),
    ("host", "", "load1"),
    ("host", "", "mem_available_bytes"),
    ("host", "", "swap_used_bytes"),
    ("disk", "/", "used_percent"),
    ("disk", "/", "available_kib"),
    ("container", "web", "running"),
    ("container", "web", "restart_count"),
    ("container", "db", "running"),
    ("container", "db", "restart_count"),
    ("container", "cache", "running"),
    ("container", "cache", "restart_count"),
    ("container", "proxy", "running"),
    ("container", "proxy", "restart_count"),
    ("container", "worker", "running"),
    ("container", "worker", "restart_count"),
];

/// 2025-01-01T00:00:00Z.
const START: i64 = 1_735_689_600;
pub const DAY: i64 = 86_400;
const DISK_KIB: f64 = 500_000_000.0;

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One series' simulated state; `level` drifts, the value is what a sweep saw.
struct Series {
    target: i64,
    metric: &'static str,
    level: f64,
}

impl Series {
    fn sample(&mut self, rng: &mut Rng, at: i64) -> f64 {
        let r = rng.next();
        match self.metric {
            "up" | "running" => f64::from(r > 0.0002),
            "load1" => {
                let daily = ((at % DAY) as f64 / DAY as f64 * std::f64::consts::TAU).sin();
                ((0.6 + 0.4 * daily + r * 0.8) * 100.0).round() / 100.0
            }
            "mem_available_bytes" | "swap_used_bytes" => {
                self.level = (self.level + ((r - 0.5) * 64.0).round() * 4096.0).max(0.0);
                self.level
            }
            "used_percent" | "available_kib" => {
                self.level = (self.level + (r - 0.45) * 2048.0).clamp(0.0, DISK_KIB);
                if self.metric == "used_percent" {
                    self.level.round() / DISK_KIB * 100.0
                } else {
                    (DISK_KIB - self.level).round()
                }
            }
            _ => {
                self.level += f64::from(r < 0.0001);
                self.level
            }
        }
    }
}

fn targets(conn: &Connection, hosts: usize) -> Result<Vec<Series>, Error> {
    let mut series = Vec::new();
    for h in 0..hosts {
        let host = format!("h{h:02}");
        for (kind, name, metric) in SERIES {
            let key = match *kind {
                "host" => host.clone(),
                _ => format!("{host}/{kind}/{name}"),
            };
            let target: i64 = conn.query_row(
                "INSERT INTO targets (key, kind, host, name, first_seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(key) DO UPDATE SET host = excluded.host RETURNING id",
                params![key, kind, host, if name.is_empty() { &host } else { *name }, START],
                |row| row.get(0),
            )?;
            let level = match *metric {
                "mem_available_bytes" => 8.0 * 1024.0 * 1024.0 * 1024.0,
                "swap_used_bytes" if h % 2 == 0 => 0.0,
                "swap_used_bytes" => 256.0 * 1024.0 * 1024.0,
                "used_percent" | "available_kib" => DISK_KIB * 0.4,
                _ => 0.0,
            };
            series.push(Series {
                target,
                metric,
                level,
            });
        }
    }
    Ok(series)
}

/// One simulated day in one transaction. By series (each series' 1440
/// samples in a row), or with `--sweep-order` as medic writes them (every
/// series at minute 0, then at minute 1, ...): the same rows, each series
/// appended at the end of its key range either way, so the file comes out
/// the same size; by series is about twice as fast.
fn insert_day(
    conn: &mut Connection,
    series: &mut [Series],
    rng: &mut Rng,
    day: i64,
    sweep_order: bool,
) -> Result<(), Error> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO samples (target_id, metric, at, value) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut put = |s: &mut Series, minute: i64| -> Result<(), Error> {
            let at = START + day * DAY + minute * 60;
            let value = s.sample(rng, at);
            insert.execute(params![s.target, s.metric, at, value])?;
            Ok(())
        };
        if sweep_order {
            for minute in 0..1440 {
                for s in series.iter_mut() {
                    put(s, minute)?;
                }
            }
        } else {
            for s in series.iter_mut() {
                for minute in 0..1440 {
                    put(s, minute)?;
                }
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// What the simulation left, and the file sizes seen on the way.
pub struct Simulated {
    pub now: i64,
    pub peak: u64,
    /// (days, file size) after the last day before the first rollup.
    pub raw_basis: (i64, u64),
    pub inserting: Duration,
    pub applying: Duration,
    /// The applies that moved rows (one per day once the window is full).
    pub rolling: Vec<Duration>,
}

pub fn simulate(args: &Args, path: &Path, policy: &RetentionPolicy) -> Result<Simulated, Error> {
    let raw_days = policy.raw.as_secs() as i64 / DAY;
    let mut conn = store::open(path)?;
    // A big page cache makes the simulation fast; the measurements use a
    // fresh connection with medic's own settings.
    conn.pragma_update(None, "cache_size", -262_144)?;
    let mut series = targets(&conn, args.hosts)?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut sim = Simulated {
        now: START,
        peak: 0,
        raw_basis: (0, 0),
        inserting: Duration::ZERO,
        applying: Duration::ZERO,
        rolling: Vec::new(),
    };
    for day in 0..args.days {
        let (inserted, took) =
            time(|| insert_day(&mut conn, &mut series, &mut rng, day, args.sweep_order));
        inserted?;
        sim.inserting += took;
        sim.now = START + (day + 1) * DAY;
        let now = ts(sim.now)?;
        let (report, took) = time(|| retention::apply(&conn, now, policy));
        sim.applying += took;
        if !report?.is_noop() {
            sim.rolling.push(took);
        }
        let size = file_size(&conn, path)?;
        sim.peak = sim.peak.max(size);
        if day < raw_days {
            sim.raw_basis = (day + 1, size);
        }
        if (day + 1) % 10 == 0 || day + 1 == args.days {
            eprintln!(
                "day {:>3}: {} in the file, {:.0} s so far",
                day + 1,
                mib(size),
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(sim)
}
