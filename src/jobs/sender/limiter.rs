//! Telegram's sending limits, kept by reserving a sending time for each message: about 30
//! messages a second per bot, one a second per chat; alerts do not queue behind other chats.

use super::*;

/// Reserves sending times: globally `per_second`, and `per_chat_interval` apart in each chat.
pub struct Limiter {
    interval: Duration,
    per_chat: Duration,
    window_cap: usize,
    state: Mutex<LimiterState>,
}

struct LimiterState {
    next_global: Instant,
    paused_until: Instant,
    chat_next: HashMap<i64, Instant>,
    /// Chats Telegram asked to wait ("retry after" on a send to that chat).
    chat_paused: HashMap<i64, Instant>,
    /// Recent 429s and their chats, to tell the bot's global limit from one chat's.
    refusals: std::collections::VecDeque<(Instant, i64)>,
    /// When the sends of the last second actually started. Reservations are evenly spaced,
    /// but a task woken late (both cores busy) would bunch with the next one; this window
    /// keeps any rolling second at `window_cap` starts however late tasks wake.
    started: std::collections::VecDeque<Instant>,
}

impl Limiter {
    pub fn new(limits: &SendLimits) -> Limiter {
        let now = Instant::now();
        Limiter {
            interval: Duration::from_secs_f64(1.0 / limits.per_second),
            per_chat: limits.per_chat_interval,
            window_cap: limits.per_second.ceil().min(1e6) as usize,
            state: Mutex::new(LimiterState {
                next_global: now,
                paused_until: now,
                chat_next: HashMap::new(),
                chat_paused: HashMap::new(),
                refusals: std::collections::VecDeque::new(),
                started: std::collections::VecDeque::new(),
            }),
        }
    }

    /// Waits until a message may be sent to `chat`. An `urgent` one (an alert, a crisis
    /// screen) does not queue behind the sending times other chats have reserved.
    pub async fn acquire(&self, chat: i64, urgent: bool) {
        self.reserve(chat, urgent).await;
        self.start().await;
    }

    /// The first half of `acquire`: waits for this chat's turn and its share of the budget.
    pub async fn reserve(&self, chat: i64, urgent: bool) {
        loop {
            let at = {
                let mut s = self.state.lock().unwrap();
                let now = Instant::now();
                if s.chat_next.len() > 50_000 {
                    s.chat_next.retain(|_, t| *t > now);
                }
                if s.chat_paused.len() > 10_000 {
                    s.chat_paused.retain(|_, t| *t > now);
                }
                let chat_ready = s
                    .chat_next
                    .get(&chat)
                    .copied()
                    .unwrap_or(now)
                    .max(s.chat_paused.get(&chat).copied().unwrap_or(now));
                if chat_ready > now {
                    // This chat must wait (its gap, or a 429 for it): it reserves no share of
                    // the global budget until then, so other chats are not held up behind it.
                    Err(chat_ready)
                } else {
                    let queue = if urgent { now } else { s.next_global };
                    let at = queue.max(s.paused_until).max(now);
                    if !urgent {
                        s.next_global = at + self.interval;
                    }
                    s.chat_next.insert(chat, at + self.per_chat);
                    Ok(at)
                }
            };
            match at {
                Err(chat_ready) => {
                    tokio::time::sleep_until(chat_ready).await;
                    continue;
                }
                Ok(at) => tokio::time::sleep_until(at).await,
            }
            // A 429 that arrived while we slept pauses us too.
            {
                let s = self.state.lock().unwrap();
                let now = Instant::now();
                if s.paused_until > now || s.chat_paused.get(&chat).is_some_and(|t| *t > now) {
                    continue;
                }
            }
            return;
        }
    }

    /// The second half of `acquire`, just before the request: at most `window_cap` starts in
    /// any rolling second, whatever happened since the reservation.
    pub async fn start(&self) {
        loop {
            let wait = {
                let mut s = self.state.lock().unwrap();
                let now = Instant::now();
                while s
                    .started
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
                {
                    s.started.pop_front();
                }
                if s.started.len() < self.window_cap {
                    s.started.push_back(now);
                    None
                } else {
                    s.started.front().map(|t| *t + Duration::from_secs(1))
                }
            };
            match wait {
                None => return,
                Some(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Telegram said "retry after" to a send to `chat`: that chat waits until then. When
    /// `GLOBAL_REFUSALS` different chats are refused within a second, the limit is the bot's
    /// own, and every send waits. True if everything pauses.
    pub fn refused(&self, chat: i64, d: Duration) -> bool {
        let mut s = self.state.lock().unwrap();
        let now = Instant::now();
        let until = now + d;
        let entry = s.chat_paused.entry(chat).or_insert(until);
        if *entry < until {
            *entry = until;
        }
        while s
            .refusals
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= Duration::from_secs(1))
        {
            s.refusals.pop_front();
        }
        s.refusals.retain(|(_, c)| *c != chat);
        s.refusals.push_back((now, chat));
        if s.refusals.len() < GLOBAL_REFUSALS {
            return false;
        }
        if until > s.paused_until {
            s.paused_until = until;
        }
        if s.next_global < until {
            s.next_global = until;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> Arc<Limiter> {
        Arc::new(Limiter::new(&SendLimits::default()))
    }

    async fn time_to_acquire(l: &Limiter, chat: i64, urgent: bool) -> Duration {
        let start = Instant::now();
        l.acquire(chat, urgent).await;
        start.elapsed()
    }

    /// One chat's 429 (Telegram's per-chat limit) holds up that chat only.
    #[tokio::test(start_paused = true)]
    async fn a_refused_chat_waits_and_the_others_do_not() {
        let l = limiter();
        assert!(!l.refused(1, Duration::from_secs(40)));
        assert!(time_to_acquire(&l, 2, false).await < Duration::from_millis(100));
        let waited = time_to_acquire(&l, 1, false).await;
        assert!(
            waited >= Duration::from_secs(40) && waited < Duration::from_secs(41),
            "{waited:?}"
        );
    }

    /// Several chats refused at once is the bot's global limit: everyone waits, as long as
    /// Telegram asked and no longer.
    #[tokio::test(start_paused = true)]
    async fn refusals_in_several_chats_pause_every_send_for_as_long_as_asked() {
        let l = limiter();
        assert!(!l.refused(1, Duration::from_secs(5)));
        assert!(!l.refused(2, Duration::from_secs(5)));
        assert!(l.refused(3, Duration::from_secs(5)));
        let waited = time_to_acquire(&l, 4, true).await;
        assert!(
            waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
            "{waited:?}"
        );
    }

    /// A chat waiting out its one-second gap (or a 429) does not reserve the global budget
    /// meanwhile: another chat's message goes out at once.
    #[tokio::test(start_paused = true)]
    async fn a_chat_waiting_for_its_gap_does_not_hold_up_another() {
        let l = limiter();
        l.acquire(1, false).await;
        let second = {
            let l = l.clone();
            tokio::spawn(async move { time_to_acquire(&l, 1, false).await })
        };
        tokio::task::yield_now().await;
        assert!(time_to_acquire(&l, 2, false).await < Duration::from_millis(100));
        assert!(second.await.unwrap() >= Duration::from_millis(900));
    }

    /// The same chat refused again and again is still one chat's limit.
    #[tokio::test(start_paused = true)]
    async fn one_chat_refused_repeatedly_is_not_the_global_limit() {
        let l = limiter();
        for _ in 0..5 {
            assert!(!l.refused(1, Duration::from_secs(3)));
        }
        assert!(time_to_acquire(&l, 2, false).await < Duration::from_millis(100));
    }

    /// An alert does not wait behind the sending times reserved for 90 other chats (about three
    /// seconds of budget); an ordinary message does.
    #[tokio::test(start_paused = true)]
    async fn an_urgent_message_skips_the_queue_of_reserved_times() {
        let l = limiter();
        let mut waiting = JoinSet::new();
        for chat in 100..190 {
            let l = l.clone();
            waiting.spawn(async move { l.acquire(chat, false).await });
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        let urgent = time_to_acquire(&l, 1, true).await;
        assert!(urgent < Duration::from_millis(500), "{urgent:?}");
        let ordinary = time_to_acquire(&l, 2, false).await;
        assert!(ordinary > Duration::from_secs(2), "{ordinary:?}");
        while waiting.join_next().await.is_some() {}
    }
}
