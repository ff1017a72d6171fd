//! Keeps a repeating error from flooding the log: a failing disk made the bot write 71 MB of
//! identical ERROR lines in 80 s. Each call site has a key; its message is logged at most once a
//! minute, with the number of repeats left out since the last one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_secs(60);

static SEEN: Mutex<Option<HashMap<&'static str, (Instant, u64)>>> = Mutex::new(None);

/// `Some(repeats left out)` if the message under `key` may be logged now; `None` to leave it out.
pub fn every_minute(key: &'static str) -> Option<u64> {
    allow(key, Instant::now())
}

fn allow(key: &'static str, now: Instant) -> Option<u64> {
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let map = seen.get_or_insert_with(HashMap::new);
    match map.get_mut(key) {
        Some((last, suppressed)) if now.duration_since(*last) < EVERY => {
            *suppressed += 1;
            None
        }
        Some((last, suppressed)) => {
            let left_out = *suppressed;
            *last = now;
            *suppressed = 0;
            Some(left_out)
        }
        None => {
            map.insert(key, (now, 0));
            Some(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeating_message_is_logged_once_a_minute_with_the_count_left_out() {
        let t = Instant::now();
        assert_eq!(allow("test-key", t), Some(0));
        for s in 1..=59 {
            assert_eq!(allow("test-key", t + Duration::from_secs(s)), None);
        }
        assert_eq!(allow("test-key", t + Duration::from_secs(60)), Some(59));
        assert_eq!(allow("another-key", t + Duration::from_secs(61)), Some(0));
    }
}
