//! `/history`'s chart: how long drawing and encoding one takes, how big the PNG is, and how much
//! memory the process grows by. With `--write DIR`, also saves the pictures shown in the README
//! (made by the bot's own code from a made-up patient). Prints numbers; asserts nothing.
//!
//!     cargo run --release --example chart
//!     cargo run --release --example chart -- --write docs

use anyhow::Result;
use chrono::NaiveDate;
use recovery_checkin_bot::content::Content;
use recovery_checkin_bot::domain::checkin::UseAnswer;
use recovery_checkin_bot::domain::history::{series, Entry};
use recovery_checkin_bot::features::history::{chart, labels};
use std::path::Path;
use std::time::Instant;

/// A made-up patient's 90 days: moods and urges that wander and slowly improve, sleep that
/// varies, a few days without an answer, two lapses, and a day "prefer not to say".
fn entries(last: NaiveDate) -> Vec<Entry> {
    let mut seed: u64 = 0x5eed;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let mut out = Vec::new();
    for back in (0..90u64).rev() {
        let date = last - chrono::Days::new(back);
        let day = 89 - back;
        if next(9) == 0 {
            continue; // no check-in that day
        }
        let better = day as f64 / 89.0;
        let sleep_h = 4 + next(6) as u16;
        let rested = if sleep_h >= 7 { 1.5 } else { 0.0 };
        let mood = (3.0 + 3.0 * better + next(3) as f64 + rested * 0.5).min(10.0) as u8;
        let craving = (7.0 - 4.0 * better - rested + next(3) as f64).clamp(0.0, 10.0) as u8;
        let used = match day {
            20 | 61 => UseAnswer::Yes,
            40 => UseAnswer::PreferNotToSay,
            _ => UseAnswer::No,
        };
        out.push(Entry {
            date,
            mood: Some(mood),
            sleep_minutes: Some(sleep_h * 60 + 30 * next(2) as u16),
            craving: Some(craving),
            used: Some(used),
        });
        // Some days have an evening check-in too.
        if next(3) == 0 {
            out.push(Entry {
                date,
                mood: Some(mood.saturating_sub(1)),
                sleep_minutes: None,
                craving: Some((craving + 1).min(10)),
                used: None,
            });
        }
    }
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<()> {
    let write = std::env::args().skip_while(|a| a != "--write").nth(1);
    let content = Content::load(Path::new("prompts")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let last = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let all = entries(last);
    let before = peak_rss_kib();
    println!("chart {}x{} px", chart::WIDTH, chart::HEIGHT);
    for (days, lang) in [(7, "en"), (28, "en"), (90, "en"), (28, "es")] {
        let points = series(&all, last, days);
        let words = labels(&content, lang, &points, last);
        // The first render registers the font; time the next ones.
        let png = chart::render(&points, &words)?;
        let runs = 20;
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let _ = chart::render(&points, &words);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{days:>2} days ({lang}): median {:.1} ms, slowest {:.1} ms, PNG {} KiB",
            times[runs / 2],
            times[runs - 1],
            png.len() / 1024
        );
        if let Some(dir) = &write {
            let name = format!("chart-{days}-{lang}.png");
            std::fs::write(Path::new(dir).join(&name), &png)?;
            println!("   wrote {dir}/{name}");
        }
    }
    println!(
        "peak memory grew by {:.1} MiB while drawing (VmHWM {:.1} MiB)",
        (peak_rss_kib().saturating_sub(before)) as f64 / 1024.0,
        peak_rss_kib() as f64 / 1024.0
    );
    Ok(())
}
