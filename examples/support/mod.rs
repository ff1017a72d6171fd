//! What the benchmarks share: finding the bot binary, reading a process's numbers from /proc.

/// The bot to measure: `LOAD_BOT_BIN` (an older build, to compare), else the release build
/// next to the running example.
pub fn bot_binary() -> Option<std::path::PathBuf> {
    if let Some(bin) = std::env::var_os("LOAD_BOT_BIN") {
        return Some(bin.into());
    }
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("recovery-bot");
    bin.exists().then_some(bin)
}

/// A field of /proc/<pid>/status, in kB (VmRSS, VmHWM).
pub fn proc_status(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
