//! The `referrals` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{referrals, vacancies};
use crate::domain::ids::ReferralId;
use crate::domain::statuses::{ReferralStatus, RejectionReason};

/// A worker put forward for a vacancy.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = referrals, treat_none_as_default_value = false)]
pub struct NewReferral {
    pub id: ReferralId,
    pub vacancy_id: String,
    pub worker_id: String,
    pub status: ReferralStatus,
    pub match_score: Option<f64>,
    pub match_explanation: String,
    /// The explanation without what an employer may not read.
    pub employer_explanation: String,
    /// The worker's place in the ranked list the referring officer saw, if on it.
    pub match_rank: Option<i32>,
    /// Why staff referred a worker who was not on that list.
    pub override_reason: Option<String>,
    pub rejection_reason: Option<RejectionReason>,
    pub status_note: String,
    pub created_by: Option<String>,
    pub status_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set when staff share the referral with the employer (anything past a shortlist).
    pub shared_at: Option<NaiveDateTime>,
}

/// The referrals an employer may see: those on its own vacancies that staff shared with it. A
/// shortlist never is, even once withdrawn. Every employer-facing read of referrals, and of the
/// workers behind them, starts here.
#[diesel::dsl::auto_type]
pub fn shared_with_employer(employer_id: String) -> _ {
    let own: diesel::dsl::Eq<vacancies::employer_id, String> =
        vacancies::employer_id.eq(employer_id);
    referrals::table
        .inner_join(vacancies::table)
        .filter(own)
        .filter(referrals::shared_at.is_not_null())
}

/// For each referral id: the worker's name and the vacancy's title, for boards that list
/// referrals the caller may already see.
pub fn labels(
    connection: &mut DbConn,
    referral_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, (String, String)>> {
    use crate::db::schema::workers;
    let mut labels = std::collections::HashMap::new();
    for chunk in referral_ids.chunks(200) {
        let rows: Vec<(String, String, String)> = referrals::table
            .inner_join(workers::table)
            .inner_join(vacancies::table)
            .filter(referrals::id.eq_any(chunk))
            .select((referrals::id, workers::full_name, vacancies::title))
            .load(connection)?;
        for (id, name, title) in rows {
            labels.insert(id, (name, title));
        }
    }
    Ok(labels)
}
