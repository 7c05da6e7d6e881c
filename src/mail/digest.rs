//! The weekly digest: on Monday from 07:00 Vietnam time, each active staff member gets the
//! overdue follow-ups and the referrals employers left unanswered in their area (the
//! province when they have none). Nothing to chase, no mail. Each digest is queued once per
//! member and ISO week, however many servers run the schedule (`outbox.dedupe_key`).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::messages::{Digest, DigestFollowUp, DigestReferral, Message};
use super::outbox::{self, Extras};
use crate::db::DbConn;
use crate::i18n::Lang;
use crate::models;
use crate::models::admin_units::units_within;

/// Items listed per section; the totals count them all.
const LISTED: i64 = 20;
/// Vietnam is UTC+7 all year.
const VIETNAM_OFFSET_HOURS: i64 = 7;
const SEND_FROM_HOUR: u32 = 7;

/// Remembers the last week it queued, so the sender asks the database once a week.
#[derive(Debug, Default)]
pub struct Schedule {
    done_week: Option<String>,
}

impl Schedule {
    /// Queues this week's digests once Monday 07:00 (Vietnam) has passed.
    pub fn run_if_due(
        &mut self,
        connection: &mut DbConn,
        now_utc: NaiveDateTime,
    ) -> anyhow::Result<usize> {
        let local = now_utc + Duration::hours(VIETNAM_OFFSET_HOURS);
        let week = week_label(local.date());
        if self.done_week.as_deref() == Some(week.as_str()) {
            return Ok(0);
        }
        let monday = week_start(local.date());
        if local < monday.and_hms_opt(SEND_FROM_HOUR, 0, 0).unwrap_or_default() {
            return Ok(0);
        }
        let queued = queue_week(connection, now_utc)?;
        self.done_week = Some(week);
        Ok(queued)
    }
}

fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn week_label(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// Queues the digests of the week of `now_utc` that were not queued yet; answers how many.
pub fn queue_week(connection: &mut DbConn, now_utc: NaiveDateTime) -> anyhow::Result<usize> {
    let today = (now_utc + Duration::hours(VIETNAM_OFFSET_HOURS)).date();
    let week = week_label(today);
    let staff = models::users::active_staff(connection)?;
    let mut queued = 0;
    for (user_id, email, language, area_id) in staff {
        let lang = if language == "en" { Lang::En } else { Lang::Vi };
        let (area_name, units) = match &area_id {
            Some(area) => {
                let name = models::admin_units::names(connection, vec![area.clone()])?
                    .remove(area)
                    .unwrap_or_default();
                (name, Some(units_within(connection, area)?))
            }
            None => (
                match lang {
                    Lang::Vi => "Toàn tỉnh".to_owned(),
                    Lang::En => "The whole province".to_owned(),
                },
                None,
            ),
        };
        let digest = build(connection, &week, today, area_name, units.as_deref())?;
        if digest.overdue_total + digest.stale_total == 0 {
            continue;
        }
        let key = format!("staff_digest:{user_id}:{week}");
        let done = connection.write_transaction(|connection| {
            outbox::enqueue(
                connection,
                &Message::StaffDigest(digest),
                &email,
                lang,
                Extras {
                    dedupe_key: Some(&key),
                    attachment: None,
                },
                now_utc,
            )
        })?;
        queued += usize::from(done.is_some());
    }
    Ok(queued)
}

/// What one area has to chase on `today`.
pub fn build(
    connection: &mut DbConn,
    week: &str,
    today: NaiveDate,
    area: String,
    units: Option<&[String]>,
) -> QueryResult<Digest> {
    let (overdue_total, overdue) =
        models::follow_ups::overdue_in(connection, today, units, LISTED)?;
    let (stale_total, stale) = models::referrals::unanswered_in(connection, units, LISTED)?;
    Ok(Digest {
        week: week.to_owned(),
        week_starts_on: week_start(today),
        area,
        overdue_total,
        overdue: overdue
            .into_iter()
            .map(
                |(worker_name, employer_name, months_after_start, due_on)| DigestFollowUp {
                    worker_name,
                    employer_name,
                    months_after_start,
                    due_on,
                },
            )
            .collect(),
        stale_total,
        stale: stale
            .into_iter()
            .map(
                |(worker_name, vacancy_title, employer_name, created_at)| DigestReferral {
                    worker_name,
                    vacancy_title,
                    employer_name,
                    referred_on: created_at.date(),
                },
            )
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn weeks_start_on_monday_and_are_iso_numbered() {
        let friday = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        assert_eq!(week_start(friday).weekday(), Weekday::Mon);
        assert_eq!(
            week_start(friday),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
        );
        assert_eq!(week_label(friday), "2026-W48");
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        assert_eq!(week_label(new_year), "2026-W53");
    }
}
