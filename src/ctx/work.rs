//! One update's unit of work: the write transaction a handler holds, and what must happen when
//! it commits.
//!
//! `Work` derefs to the transaction, so store functions take `&mut work` as they take a `Tx`.
//! `commit()` marks the update handled in the same transaction (a re-delivered or retried
//! update is never handled twice), commits, then wakes the outbox sender (whatever was queued
//! goes out now) and, if `rescheduled()` was called, the scheduler. No handler wakes anyone by
//! hand, so none can forget to.

use crate::ctx::Ctx;

use crate::ctx::Event;
use crate::store::{inbox, Tx};
use anyhow::Result;
use std::ops::{Deref, DerefMut};

pub struct Work<'c> {
    ctx: &'c Ctx,
    tx: Tx,
    update_id: i64,
    rescheduled: bool,
}

impl Ctx {
    /// Begins the unit of work of the update being handled (`BEGIN IMMEDIATE`).
    pub async fn work(&self, ev: &Event) -> Result<Work<'_>> {
        self.work_for(ev.update_id).await
    }

    /// `work`, for a handler that has the update's id but no `Event` (a membership change).
    pub async fn work_for(&self, update_id: i64) -> Result<Work<'_>> {
        Ok(Work {
            ctx: self,
            tx: self.db.write().await?,
            update_id,
            rescheduled: false,
        })
    }
}

impl Work<'_> {
    /// A slot, a prompt or a pause changed: the scheduler looks again once this commits.
    pub fn rescheduled(&mut self) {
        self.rescheduled = true;
    }

    /// Marks the update handled, commits, and wakes the sender (and the scheduler if asked).
    pub async fn commit(mut self) -> Result<()> {
        inbox::mark_handled(&mut self.tx, self.update_id, self.ctx.now()).await?;
        self.tx.commit().await?;
        self.ctx.committed(self.update_id);
        self.ctx.wake_sender.notify_one();
        if self.rescheduled {
            self.ctx.wake_scheduler.notify_one();
        }
        Ok(())
    }
}

impl Deref for Work<'_> {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl DerefMut for Work<'_> {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}
