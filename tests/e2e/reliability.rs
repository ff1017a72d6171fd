//! Nothing lost (issue 12), as a patient and their contact would meet it.

use crate::contacts::{alerts_to, pair, three_worsening_days, ALERT};
use crate::support::*;
use recovery_checkin_bot::fake_telegram::Fault;
use std::time::Duration;

/// The first send of an alert to Bob is lost on the way (no answer until past the client's
/// 17 s timeout): the bot cannot know whether it arrived, so it sends it again. A rare
/// duplicate is better than a lost alert.
#[tokio::test]
async fn an_alert_whose_send_timed_out_is_sent_again_not_lost() {
    let h = Harness::start_driven().await;
    h.enroll(ALICE).await;
    pair(&h, ALICE, BOB, "Sam", "Alerts only").await;
    h.fake
        .fail_next_for_chat("sendMessage", BOB, Fault::Lost(Duration::from_secs(25)), 1);
    three_worsening_days(&h, ALICE).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while alerts_to(&h, BOB, ALERT).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the alert never reached Bob"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(alerts_to(&h, BOB, ALERT).len(), 1);
    // Recorded as sent only once Telegram confirmed it, with the message id it gave.
    h.wait_db(
        "SELECT COUNT(*) FROM outbox WHERE alert_id = ? AND status = 'sent' AND message_id IS NOT NULL",
        1,
        Some(1),
    )
    .await;
}
