//! What the SMSC delivers, kept: a delivery receipt on the outbox row of its text, a text from
//! a handset in the inbox (read by the follow-up replies' pass). Kept before the SMSC is
//! answered, so nothing acknowledged is lost.

use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use super::outbox;
use super::smpp::{Inbound, InboundSink};
use crate::accounts;
use crate::db::pool::DbPool;
use crate::domain::values;
use crate::models;

/// The longest text kept from a handset.
const MAX_BODY: usize = 1000;

pub fn sink(pool: DbPool) -> InboundSink {
    Arc::new(move |item| {
        let mut connection = pool.get()?;
        let now = accounts::now();
        match item {
            Inbound::Receipt {
                message_id,
                delivered: Some(delivered),
                detail,
            } => outbox::record_receipt(&mut connection, &message_id, delivered, &detail, now)?,
            // An intermediate state: the SMSC still tries.
            Inbound::Receipt {
                delivered: None, ..
            } => {}
            Inbound::Text { from, body } => {
                let phone = values::phone(&from).unwrap_or(from);
                let body: String = body.nfc().take(MAX_BODY).collect();
                connection.write_transaction(|connection| {
                    models::sms::receive(connection, &phone, body.trim(), now)
                })?;
            }
        }
        Ok(())
    })
}
