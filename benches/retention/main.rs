//! Retention benchmark: simulates minute samples for N hosts (16 series each,
//! see `simulate::SERIES`) for N days on a simulated clock, one day per
//! transaction with `store::retention::apply` after each simulated day, then
//! prints the rows and bytes per table, the database file's size, trend
//! queries, a no-op `apply`, and the size of a database that would keep
//! everything raw (extrapolated from the days before the first rollup).
//!
//! ```text
//! cargo bench --bench retention -- --hosts 50 --days 365 [--dir PATH] [--sweep-order]
//! ```
//!
//! Without `--bench` (as `cargo test --all-targets` runs it) and without
//! sizes it does a quick 2-host, 16-day pass.

mod simulate;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use medic::store::{self, RetentionPolicy, RetentionReport, retention};
use rusqlite::Connection;

use simulate::{DAY, SERIES, simulate};

type Error = Box<dyn std::error::Error>;

struct Args {
    hosts: usize,
    days: i64,
    dir: Option<PathBuf>,
    sweep_order: bool,
}

fn args() -> Result<Args, Error> {
    let mut args = std::env::args().skip(1);
    let (mut hosts, mut days, mut dir, mut bench, mut sweep_order) =
        (None, None, None, false, false);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--hosts" => hosts = Some(value()?.parse()?),
            "--days" => days = Some(value()?.parse()?),
            "--dir" => dir = Some(PathBuf::from(value()?)),
            "--sweep-order" => sweep_order = true,
            "--bench" => bench = true,
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    let quick = !bench && hosts.is_none() && days.is_none();
    Ok(Args {
        hosts: hosts.unwrap_or(if quick { 2 } else { 50 }),
        days: days.unwrap_or(if quick { 16 } else { 365 }),
        dir,
        sweep_order,
    })
}

/// The main file's size once the WAL is folded back into it.
fn file_size(conn: &Connection, path: &Path) -> Result<u64, Error> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(std::fs::metadata(path)?.len())
}

fn count(conn: &Connection, sql: &str) -> Result<i64, Error> {
    Ok(conn.query_row(sql, [], |row| row.get(0))?)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ts(secs: i64) -> Result<Timestamp, Error> {
    Ok(Timestamp::from_second(secs)?)
}

/// A trend query: (points, first call on a fresh connection, median of 21).
type Trend = (usize, Duration, Duration);

struct Measured {
    trends: [(&'static str, Trend); 3],
    noop: Duration,
    size: u64,
    free: u64,
    /// (rows, bytes in the file) of samples, samples_hourly, samples_daily.
    tables: [(i64, u64); 3],
    too_old: i64,
    oldest: Option<i64>,
    hour: (RetentionReport, Duration),
}

/// Measures on a fresh connection, opened the way `medic run` opens it: the
/// trends first (nothing in SQLite's cache), then a no-op `apply`, the
/// tables, and last an `apply` one hour later (it rolls that hour).
fn measure(
    path: &Path,
    policy: &RetentionPolicy,
    now: i64,
    cutoff: i64,
) -> Result<Measured, Error> {
    let conn = store::open(path)?;
    let trend = |days: i64| -> Result<Trend, Error> {
        let (since, until) = (ts(now - days * DAY)?, ts(now)?);
        let (first, cold) = time(|| retention::series(&conn, "h00", "load1", since, until));
        let mut runs = Vec::new();
        for _ in 0..21 {
            let (points, took) = time(|| retention::series(&conn, "h00", "load1", since, until));
            points?;
            runs.push(took);
        }
        Ok((first?.len(), cold, median(runs)))
    };
    let trends = [
        ("7-day", trend(7)?),
        ("90-day", trend(90)?),
        ("365-day", trend(365)?),
    ];
    let end = ts(now)?;
    let mut noop = Vec::new();
    for _ in 0..201 {
        let (report, took) = time(|| retention::apply(&conn, end, policy));
        if !report?.is_noop() {
            return Err("apply at the same time moved rows".into());
        }
        noop.push(took);
    }
    let size = file_size(&conn, path)?;
    let page_size = count(&conn, "PRAGMA page_size")? as u64;
    let free = count(&conn, "PRAGMA freelist_count")? as u64 * page_size;
    let mut tables = [(0, 0); 3];
    for (slot, table) in tables
        .iter_mut()
        .zip(["samples", "samples_hourly", "samples_daily"])
    {
        *slot = (
            count(&conn, &format!("SELECT count(*) FROM {table}"))?,
            count(
                &conn,
                &format!("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = '{table}'"),
            )? as u64,
        );
    }
    let too_old = conn.query_row(
        "SELECT count(*) FROM samples WHERE at < ?1",
        [cutoff],
        |row| row.get(0),
    )?;
    let oldest = conn.query_row("SELECT min(at) FROM samples", [], |r| r.get(0))?;
    let hour_later = ts(now + 3600)?;
    let (report, took) = time(|| retention::apply(&conn, hour_later, policy));
    Ok(Measured {
        trends,
        noop: median(noop),
        size,
        free,
        tables,
        too_old,
        oldest,
        hour: (report?, took),
    })
}

fn main() -> Result<(), Error> {
    let args = args()?;
    let scratch = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            None
        }
        None => Some(tempfile::tempdir()?),
    };
    let dir = args
        .dir
        .clone()
        .or_else(|| scratch.as_ref().map(|d| d.path().to_path_buf()))
        .ok_or("no folder")?;
    let path = dir.join("retention-bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    eprintln!(
        "simulating {} hosts × {} series for {} days in {}",
        args.hosts,
        SERIES.len(),
        args.days,
        path.display()
    );
    let started = Instant::now();
    let policy = RetentionPolicy::default();
    let sim = simulate(&args, &path, &policy)?;
    let days = |d: Duration| d.as_secs() as i64 / DAY;
    let cutoff = sim.now - days(policy.raw) * DAY;
    let m = measure(&path, &policy, sim.now, cutoff)?;
    let total = started.elapsed();

    println!(
        "medic retention benchmark: {} hosts × {} series, {} simulated days of minute samples",
        args.hosts,
        SERIES.len(),
        args.days
    );
    println!(
        "policy: raw {} d, hourly {} d, daily {} d; one transaction per day ({}), then apply\n",
        days(policy.raw),
        days(policy.hourly),
        days(policy.daily),
        if args.sweep_order {
            "in sweep order"
        } else {
            "by series"
        }
    );
    let naive_rows = args.hosts as i64 * SERIES.len() as i64 * 1440 * args.days;
    let naive_per_day = sim.raw_basis.1 as f64 / sim.raw_basis.0.max(1) as f64;
    let naive = |days: i64| mib((naive_per_day * days as f64) as u64);
    // After five years only samples_daily has grown: extrapolate it per row.
    let [
        (raw_rows, raw_bytes),
        (hourly_rows, hourly_bytes),
        (daily_rows, daily_bytes),
    ] = m.tables;
    let daily_later =
        args.hosts as i64 * SERIES.len() as i64 * (days(policy.daily) - days(policy.hourly));
    let five_years = (daily_rows > 0 && args.days > days(policy.hourly)).then(|| {
        let per_row = daily_bytes as f64 / daily_rows as f64;
        m.size + (per_row * (daily_later - daily_rows) as f64).max(0.0) as u64
    });

    let row = |label: &str, a: String, b: String| println!("{label:<26} {a:>32} {b:>36}");
    row("", "with retention".into(), "keep everything raw".into());
    let table = |rows: i64, bytes: u64| format!("{} rows, {}", thousands(rows), mib(bytes));
    row(
        "samples (raw)",
        table(raw_rows, raw_bytes),
        format!(
            "{} rows, {} (est.)",
            thousands(naive_rows),
            naive(args.days)
        ),
    );
    row(
        "samples_hourly",
        table(hourly_rows, hourly_bytes),
        "-".into(),
    );
    row("samples_daily", table(daily_rows, daily_bytes), "-".into());
    row(
        "database file",
        mib(m.size),
        format!("{} (est.)", naive(args.days)),
    );
    row("  of which free pages", mib(m.free), "-".into());
    row("  largest during the run", mib(sim.peak), "-".into());
    if let Some(later) = five_years {
        row(
            "after 5 years (est.)",
            mib(later),
            naive(days(policy.daily)),
        );
    }
    println!(
        "\n\"keep everything raw\" is extrapolated from the file after {} day(s) of raw samples ({}).",
        sim.raw_basis.0,
        mib(sim.raw_basis.1)
    );
    println!(
        "raw rows older than the {}-day window: {}; oldest raw sample {} (window starts {})\n",
        days(policy.raw),
        m.too_old,
        m.oldest.map_or("none".into(), |o| ts(o)
            .map_or(o.to_string(), |t| t.to_string())),
        ts(cutoff)?
    );
    for (label, (points, cold, warm)) in m.trends {
        println!(
            "{label:>7} trend of one series (h00 load1): {points:>6} points, first {}, median {}",
            ms(cold),
            ms(warm)
        );
    }
    println!("no-op apply (same minute), median of 201: {}", ms(m.noop));
    let (hour, took) = m.hour;
    println!(
        "apply when one hour crosses the window: {} ({} raw rows rolled into {} hourly)",
        ms(took),
        thousands(hour.raw_rolled as i64),
        thousands(hour.hourly_written as i64)
    );
    if !sim.rolling.is_empty() {
        println!(
            "apply after a simulated day (24 h rolled, then hourly → daily): median {}, max {}",
            ms(median(sim.rolling.clone())),
            ms(sim.rolling.iter().copied().max().unwrap_or_default())
        );
    }
    println!(
        "time: inserting {:.0} s, apply {:.0} s, total {:.0} s",
        sim.inserting.as_secs_f64(),
        sim.applying.as_secs_f64(),
        total.as_secs_f64()
    );
    if m.too_old != 0 {
        return Err("raw rows older than the window are left".into());
    }
    Ok(())
}
