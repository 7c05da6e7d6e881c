//! Throttles on guessing: sign-in and the public forms. Attempts are counted in the database,
//! so every server on it counts the same ones, and in buckets narrow enough that an attacker
//! cannot lock out someone else: one address guessing one account is stopped soon, one address
//! trying many accounts later, and many addresses guessing one account only for addresses the
//! account has never signed in from.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::QueryResult;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::ids::to_hex;
use crate::models::throttle_events;

/// At most `max` events in `window`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max: i64,
    pub window: TimeDelta,
}

/// The stored name of a bucket: a hash, so the table keeps no e-mail or address in the clear.
pub fn bucket(kind: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    for part in parts {
        hasher.update([0]);
        hasher.update(part.as_bytes());
    }
    format!("{kind}:{}", to_hex(&hasher.finalize()))
}

/// Seconds until `bucket` is under `rule` again, when it is at or over it now.
pub fn wait(
    connection: &mut DbConn,
    bucket: &str,
    rule: Rule,
    now: NaiveDateTime,
) -> QueryResult<Option<u64>> {
    let (count, oldest) = throttle_events::count_since(connection, bucket, now - rule.window)?;
    if count < rule.max {
        return Ok(None);
    }
    let frees_at = oldest.unwrap_or(now) + rule.window;
    Ok(Some((frees_at - now).num_seconds().max(1).unsigned_abs()))
}

/// The longest of several waits.
pub fn longest(waits: impl IntoIterator<Item = Option<u64>>) -> Option<u64> {
    waits.into_iter().flatten().max()
}

/// Sign-in: failures by account and address, by address, and by account.
pub mod sign_in {
    use super::*;

    /// One address guessing one account's password.
    pub const PAIR: Rule = Rule {
        max: 5,
        window: TimeDelta::minutes(15),
    };
    /// One address trying many accounts (a proxy's users share one address only when the proxy
    /// is not in `KETNOI_TRUSTED_PROXIES`).
    pub const ADDRESS: Rule = Rule {
        max: 50,
        window: TimeDelta::minutes(15),
    };
    /// Many addresses guessing one account: refused only from addresses it never signed in from.
    pub const ACCOUNT: Rule = Rule {
        max: 20,
        window: TimeDelta::minutes(15),
    };
    /// How long an address the account signed in from stays known.
    pub const KNOWN_FOR: TimeDelta = TimeDelta::days(90);

    fn known(email: &str, address: &str) -> String {
        bucket("sign-in-known", &[email, address])
    }

    /// Seconds to wait before `address` may try `email` again, if it must.
    pub fn retry_after(
        connection: &mut DbConn,
        email: &str,
        address: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<u64>> {
        let pair = wait(
            connection,
            &bucket("sign-in-pair", &[email, address]),
            PAIR,
            now,
        )?;
        let from_address = wait(
            connection,
            &bucket("sign-in-address", &[address]),
            ADDRESS,
            now,
        )?;
        let on_account = match wait(
            connection,
            &bucket("sign-in-account", &[email]),
            ACCOUNT,
            now,
        )? {
            Some(seconds) => {
                let (signed_in_before, _) = throttle_events::count_since(
                    connection,
                    &known(email, address),
                    now - KNOWN_FOR,
                )?;
                (signed_in_before == 0).then_some(seconds)
            }
            None => None,
        };
        Ok(longest([pair, from_address, on_account]))
    }

    pub fn record_failure(
        connection: &mut DbConn,
        email: &str,
        address: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        connection.write_transaction(|connection| {
            throttle_events::record(connection, &bucket("sign-in-pair", &[email, address]), now)?;
            throttle_events::record(connection, &bucket("sign-in-address", &[address]), now)?;
            throttle_events::record(connection, &bucket("sign-in-account", &[email]), now)
        })
    }

    /// The address's failures on the account are forgotten and the address becomes known to
    /// the account; events no throttle looks at any more are dropped.
    pub fn record_success(
        connection: &mut DbConn,
        email: &str,
        address: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        connection.write_transaction(|connection| {
            throttle_events::clear(connection, &bucket("sign-in-pair", &[email, address]))?;
            let known = known(email, address);
            throttle_events::clear(connection, &known)?;
            throttle_events::record(connection, &known, now)?;
            throttle_events::forget_before(connection, now - KNOWN_FOR).map(drop)
        })
    }
}

/// The public enrolment form, which looks a CCCD up: a class's worth of sendings an hour from
/// one address (a school's computer room shares one), and a few a day on one CCCD from
/// anywhere, so it cannot be used to learn a birth date by trying them.
pub mod public_form {
    use super::*;

    pub const ADDRESS: Rule = Rule {
        max: 40,
        window: TimeDelta::hours(1),
    };
    pub const NATIONAL_ID: Rule = Rule {
        max: 5,
        window: TimeDelta::days(1),
    };

    /// Seconds to wait before this address may send the form again, or another try on this
    /// CCCD is taken, if it must.
    pub fn retry_after(
        connection: &mut DbConn,
        address: &str,
        national_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<u64>> {
        let from_address = wait(
            connection,
            &bucket("form-address", &[address]),
            ADDRESS,
            now,
        )?;
        let on_id = wait(
            connection,
            &bucket("form-cccd", &[national_id]),
            NATIONAL_ID,
            now,
        )?;
        Ok(longest([from_address, on_id]))
    }

    /// Every sending counts, whatever its outcome: success must look like failure.
    pub fn record(
        connection: &mut DbConn,
        address: &str,
        national_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        throttle_events::record(connection, &bucket("form-address", &[address]), now)?;
        throttle_events::record(connection, &bucket("form-cccd", &[national_id]), now)
    }
}

/// One-time reset codes: wrong codes by address and by login, so a code cannot be guessed by
/// trying many and nobody can lock another person out from one address.
pub mod reset_code {
    use super::*;

    /// Wrong codes from one address.
    pub const ADDRESS: Rule = Rule {
        max: 20,
        window: TimeDelta::hours(1),
    };
    /// Wrong codes for one login, from addresses that have not used up their own share.
    pub const ACCOUNT: Rule = Rule {
        max: 10,
        window: TimeDelta::hours(1),
    };

    /// Seconds to wait before another code is taken from this address for this login.
    pub fn retry_after(
        connection: &mut DbConn,
        address: &str,
        email: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<u64>> {
        let from_address = wait(
            connection,
            &bucket("code-address", &[address]),
            ADDRESS,
            now,
        )?;
        let on_login = wait(connection, &bucket("code-login", &[email]), ACCOUNT, now)?;
        Ok(longest([from_address, on_login]))
    }

    /// A wrong, used or expired code counts against the address and the login.
    pub fn record_failure(
        connection: &mut DbConn,
        address: &str,
        email: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        throttle_events::record(connection, &bucket("code-address", &[address]), now)?;
        throttle_events::record(connection, &bucket("code-login", &[email]), now)
    }
}

/// Reset links: a few per address an hour, so nobody can flood someone's mailbox; beyond that
/// the page answers as before and nothing is sent.
pub mod reset_link {
    use super::*;

    pub const PER_ADDRESS: Rule = Rule {
        max: 3,
        window: TimeDelta::hours(1),
    };

    /// Whether another link may go to `email` now; if so, it is counted.
    pub fn allow(connection: &mut DbConn, email: &str, now: NaiveDateTime) -> QueryResult<bool> {
        let bucket = bucket("reset_link", &[email]);
        if wait(connection, &bucket, PER_ADDRESS, now)?.is_some() {
            return Ok(false);
        }
        throttle_events::record(connection, &bucket, now)?;
        Ok(true)
    }
}
