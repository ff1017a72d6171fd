//! An injectable clock, so tests move time instead of sleeping.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    fn unix(&self) -> i64 {
        self.now().timestamp()
    }

    /// For clocks that jump (tests): a receiver that changes when the time is moved, so
    /// waiting loops re-check at once. The system clock needs none.
    fn jumps(&self) -> Option<watch::Receiver<()>> {
        None
    }
}

/// Waits until the clock is moved; forever for clocks that do not jump.
pub async fn jumped(rx: &mut Option<watch::Receiver<()>>) {
    match rx {
        Some(rx) => {
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await
            }
        }
        None => std::future::pending::<()>().await,
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    moved: Arc<watch::Sender<()>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
            moved: Arc::new(watch::channel(()).0),
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap() = to;
        self.moved.send_replace(());
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
        self.moved.send_replace(());
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    fn jumps(&self) -> Option<watch::Receiver<()>> {
        Some(self.moved.subscribe())
    }
}
