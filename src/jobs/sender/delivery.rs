//! One row's delivery: the checks just before sending, the request, what its answer means
//! (sent, retry, undeliverable, failed), and committing the outcomes.

use super::*;

/// What happened to one outbox row.
#[derive(Debug)]
pub(super) enum Outcome {
    Sent {
        row: i64,
        kind: Kind,
        prompt_id: Option<i64>,
        message_id: Option<i32>,
        /// Set for an alert to a support contact.
        alert_id: Option<i64>,
    },
    Undeliverable {
        row: i64,
        alert_id: Option<i64>,
        patient_id: Option<i64>,
        /// Set for a message to a support contact: the contact is unreachable, not the patient.
        contact_id: Option<i64>,
        reason: String,
    },
    Failed {
        row: i64,
        alert_id: Option<i64>,
        prompt: Option<i64>,
        reason: String,
    },
    /// No longer worth sending; `prompt` is closed with the given status.
    Expired {
        row: i64,
        prompt: Option<(i64, prompts::PromptStatus)>,
    },
    /// Quiet hours: send at `not_before` instead.
    Deferred { row: i64, not_before: i64 },
    Retry {
        row: i64,
        not_before: i64,
        reason: String,
    },
}

impl Outcome {
    fn row(&self) -> i64 {
        match self {
            Outcome::Sent { row, .. }
            | Outcome::Undeliverable { row, .. }
            | Outcome::Failed { row, .. }
            | Outcome::Expired { row, .. }
            | Outcome::Deferred { row, .. }
            | Outcome::Retry { row, .. } => *row,
        }
    }
}

/// An alert to a contact, or a crisis screen: a send whose outcome is unknown is made again (a
/// rare duplicate rather than a lost one).
fn must_arrive(row: &OutboxRow) -> bool {
    row.alert_id.is_some() || row.priority >= crate::ctx::ALERT_PRIORITY
}

fn is_gone(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::ChatNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots
    )
}

/// Whether a prompt or reminder should still go out now: not once the prompt is closed, not
/// later than the grace period, not while paused, and not during quiet hours.
fn check_before_sending(ctx: &Ctx, row: &OutboxRow) -> Option<Outcome> {
    let wanted = match row.kind {
        Kind::Prompt => row.prompt_status == Some(prompts::PromptStatus::Queued),
        Kind::Reminder => row.prompt_status == Some(prompts::PromptStatus::Sent),
        Kind::Message => return None,
    };
    let prompt = row.prompt_id.filter(|_| row.kind == Kind::Prompt);
    if !wanted {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: None,
        });
    }
    let now = ctx.clock.now();
    if row.paused_until.is_some_and(|u| u > now.timestamp()) {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: prompt.map(|p| (p, prompts::PromptStatus::Paused)),
        });
    }
    let late = row
        .prompt_due_at
        .is_some_and(|due| now.timestamp() - due > ctx.schedule.grace.num_seconds());
    if row.kind == Kind::Prompt && late {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: prompt.map(|p| (p, prompts::PromptStatus::Missed)),
        });
    }
    // "Your check-in is still here" must be true: not once the prompt stopped taking answers
    // (after downtime, say; the scheduler records it missed).
    if row.kind == Kind::Reminder
        && row
            .prompt_expires_at
            .is_some_and(|end| end <= now.timestamp())
    {
        return Some(Outcome::Expired {
            row: row.id,
            prompt: None,
        });
    }
    let zone = row
        .time_zone
        .as_deref()
        .and_then(|z| PatientZone::parse(z).ok());
    if let (Some(zone), Some(quiet)) = (zone, slots::quiet_from(row.quiet_start, row.quiet_end)) {
        let after = quiet.postpone(zone, now);
        if after > now {
            return Some(Outcome::Deferred {
                row: row.id,
                not_before: after.timestamp(),
            });
        }
    }
    None
}

/// Whether an unreadable reply shows that Telegram accepted the request (a reply we could not
/// parse), as opposed to a proxy's error page (nothing was sent).
fn accepted(raw: &str) -> bool {
    raw.replace(' ', "").contains("\"ok\":true")
}

pub(super) async fn deliver(
    ctx: &Ctx,
    limiter: &Limiter,
    marker: &Marker,
    row: OutboxRow,
) -> Outcome {
    if let Some(outcome) = check_before_sending(ctx, &row) {
        return outcome;
    }
    let prompt = row.prompt_id.filter(|_| row.kind == Kind::Prompt);
    let mut text = row.text.clone();
    let mut keyboard: Option<Keyboard> = row
        .keyboard
        .as_deref()
        .and_then(|k| serde_json::from_str(k).ok());
    // The recipient switched language since this was queued: render it again in theirs.
    if let (Some(recipe), Some(now_lang)) = (row.render.as_deref(), row.recipient_lang.as_deref()) {
        if row.lang.as_deref() != Some(now_lang) && ctx.content.has_language(now_lang) {
            if let Some(render) = crate::ctx::render::Render::from_json(recipe) {
                let (t, k) = crate::jobs::render::render(ctx, &render, now_lang);
                text = t;
                keyboard = Some(k);
            }
        }
    }
    let maybe_sent = |why: &str| {
        tracing::warn!(
            row = row.id,
            why,
            "a send may or may not have arrived; not repeated"
        );
        Outcome::Sent {
            row: row.id,
            kind: row.kind,
            prompt_id: row.prompt_id,
            message_id: None,
            alert_id: row.alert_id,
        }
    };
    let mut quick = 0;
    loop {
        limiter
            .reserve(row.chat_id, row.priority >= crate::ctx::ALERT_PRIORITY)
            .await;
        // Recorded before the request, so a crash during it is not taken for "never sent".
        match marker.mark(row.id).await {
            Marked::Yes => {}
            Marked::Gone => {
                return Outcome::Expired {
                    row: row.id,
                    prompt: None,
                }
            }
            Marked::Failed => {
                return Outcome::Retry {
                    row: row.id,
                    not_before: ctx.now() + 5,
                    reason: "could not record that the send began".to_string(),
                }
            }
        }
        limiter.start().await;
        let mut req = ctx.bot.send_message(ChatId(row.chat_id), text.clone());
        if let Some(k) = &keyboard {
            req = req.reply_markup(k.to_telegram());
        }
        let result = req.send().await;
        ctx.metrics.sent(crate::ctx::metrics::Path::Outbox, &result);
        let transient = match result {
            Ok(m) => {
                return Outcome::Sent {
                    row: row.id,
                    kind: row.kind,
                    prompt_id: row.prompt_id,
                    message_id: Some(m.id.0),
                    alert_id: row.alert_id,
                }
            }
            Err(RequestError::RetryAfter(s)) => {
                // Nothing was sent: a stop during the wait must not count it as sent.
                let _ = outbox::clear_sending(&ctx.db, row.id).await;
                if limiter.refused(row.chat_id, s.duration()) {
                    tracing::warn!(
                        seconds = s.seconds(),
                        "rate limited by Telegram in several chats; pausing all sends"
                    );
                } else {
                    tracing::warn!(
                        seconds = s.seconds(),
                        "rate limited by Telegram in one chat; pausing that chat"
                    );
                }
                continue;
            }
            // Telegram said ok but the reply could not be read: it was sent.
            Err(RequestError::InvalidJson { raw, .. }) if accepted(&raw) => {
                return maybe_sent("unreadable reply")
            }
            // The request may have reached Telegram before the time ran out. For an alert to a
            // support contact a lost message is worse than a rare duplicate: send it again.
            Err(e @ RequestError::Network(_)) if must_arrive(&row) => {
                tracing::warn!(row = row.id, "an alert's send timed out; sending it again");
                e
            }
            Err(RequestError::Network(n)) if n.is_timeout() => return maybe_sent("timeout"),
            Err(RequestError::Api(api)) if is_gone(&api) => {
                return Outcome::Undeliverable {
                    row: row.id,
                    alert_id: row.alert_id,
                    patient_id: row.patient_id,
                    contact_id: row.contact_id,
                    reason: api.to_string(),
                }
            }
            // Nothing was sent: connection refused, a 5xx, a proxy's error page.
            Err(e @ (RequestError::Network(_) | RequestError::Io(_)))
            | Err(e @ RequestError::Api(ApiError::Unknown(_)))
            | Err(e @ RequestError::InvalidJson { .. }) => e,
            Err(e) => {
                return Outcome::Failed {
                    row: row.id,
                    alert_id: row.alert_id,
                    prompt,
                    reason: describe(&e),
                }
            }
        };
        let reason = describe(&transient);
        if row.attempts + 1 >= MAX_ATTEMPTS {
            return Outcome::Failed {
                row: row.id,
                alert_id: row.alert_id,
                prompt,
                reason,
            };
        }
        if quick < QUICK_RETRIES {
            quick += 1;
            let _ = outbox::clear_sending(&ctx.db, row.id).await;
            tokio::time::sleep(Duration::from_millis(250 << quick)).await;
            continue;
        }
        let backoff = (30i64 << row.attempts.min(10)).min(MAX_BACKOFF_SECS);
        return Outcome::Retry {
            row: row.id,
            not_before: ctx.now() + backoff,
            reason,
        };
    }
}

/// Commits outcomes in groups: one transaction for everything that arrived together. Then the
/// rows leave `in_flight` and the dispatcher is woken to hand out more.
pub(super) async fn record_outcomes(
    ctx: Ctx,
    mut rx: mpsc::UnboundedReceiver<Outcome>,
    in_flight: InFlight,
) {
    let mut pending: Vec<Outcome> = Vec::new();
    while let Some(first) = rx.recv().await {
        pending.push(first);
        while pending.len() < 500 {
            match rx.try_recv() {
                Ok(o) => pending.push(o),
                Err(_) => break,
            }
        }
        // Keep trying: these outcomes describe messages already sent.
        loop {
            match write_outcomes(&ctx, &pending).await {
                Ok(()) => break,
                Err(e) => {
                    // On a damaged file the bot stops; the next start reconciles these sends.
                    if ctx.db.note(&e) {
                        return;
                    }
                    if let Some(suppressed) = crate::logging::every_minute("outbox-record") {
                        tracing::error!(error = %e, suppressed, "could not record send outcomes; retrying");
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        {
            let mut flying = in_flight.lock().unwrap();
            for o in &pending {
                flying.remove(&o.row());
            }
        }
        pending.clear();
        ctx.wake_sender.notify_one();
    }
}

pub(super) async fn write_outcomes(ctx: &Ctx, outcomes: &[Outcome]) -> Result<()> {
    let now = ctx.now();
    let mut tx = ctx.db.write().await?;
    let mut deactivated = Vec::new();
    let mut alerts = std::collections::BTreeSet::new();
    for o in outcomes {
        match o {
            Outcome::Sent { alert_id, .. }
            | Outcome::Undeliverable { alert_id, .. }
            | Outcome::Failed { alert_id, .. } => alerts.extend(*alert_id),
            _ => {}
        }
        match o {
            Outcome::Sent {
                row,
                kind,
                prompt_id,
                message_id,
                ..
            } => {
                outbox::mark_sent(&mut tx, *row, *message_id, now).await?;
                if let (Kind::Prompt, Some(p)) = (kind, prompt_id) {
                    prompts::mark_sent(
                        &mut tx,
                        *p,
                        *message_id,
                        now,
                        now + ctx.schedule.reminder_after.num_seconds(),
                        now + ctx.schedule.open_for.num_seconds(),
                    )
                    .await?;
                }
            }
            Outcome::Undeliverable {
                row,
                patient_id,
                contact_id,
                reason,
                ..
            } => {
                outbox::close(&mut tx, *row, outbox::OutboxStatus::Undeliverable, reason).await?;
                if let Some(c) = contact_id {
                    crate::features::alerts::contact_unreachable(ctx, &mut tx, *c, *row).await?;
                } else if let Some(p) = patient_id {
                    patients::deactivate(&mut tx, *p, reason, now).await?;
                    deactivated.push(*p);
                }
            }
            Outcome::Failed {
                row,
                prompt,
                reason,
                ..
            } => {
                tracing::error!(row, reason, "message given up");
                outbox::close(&mut tx, *row, outbox::OutboxStatus::Failed, reason).await?;
                if let Some(p) = prompt {
                    prompts::close_unsent(&mut tx, *p, prompts::PromptStatus::Undeliverable)
                        .await?;
                }
            }
            Outcome::Expired { row, prompt } => {
                outbox::close(
                    &mut tx,
                    *row,
                    outbox::OutboxStatus::Expired,
                    "no longer needed",
                )
                .await?;
                if let Some((p, status)) = prompt {
                    prompts::close_unsent(&mut tx, *p, *status).await?;
                }
            }
            Outcome::Deferred { row, not_before } => {
                outbox::defer(&mut tx, *row, *not_before).await?
            }
            Outcome::Retry {
                row,
                not_before,
                reason,
            } => outbox::retry_later(&mut tx, *row, *not_before, reason).await?,
        }
    }
    // What the patient is told about an alert waits until the alert has reached a contact.
    for alert_id in alerts {
        crate::features::alerts::settle_notices(ctx, &mut tx, alert_id, now).await?;
    }
    tx.commit().await?;
    for o in outcomes {
        match o {
            Outcome::Sent {
                kind: Kind::Prompt, ..
            } => {
                ctx.metrics.prompts_sent.inc();
            }
            Outcome::Sent {
                alert_id: Some(_), ..
            } => {
                ctx.metrics.alerts_sent.inc();
            }
            Outcome::Expired {
                prompt: Some((_, prompts::PromptStatus::Missed)),
                ..
            } => {
                ctx.metrics.prompts_missed.inc();
            }
            _ => {}
        }
    }
    for p in deactivated {
        tracing::info!(
            patient_id = p,
            "Telegram refused delivery for good; patient marked inactive"
        );
    }
    Ok(())
}
