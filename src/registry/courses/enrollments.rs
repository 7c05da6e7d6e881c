//! Enrolments on a course: filed (by staff, a trainee, or the public form through
//! `registry::course_application`), then moved along `applied → enrolled → attending → completed →
//! certified`, never past the course's capacity.

use super::*;
use crate::domain::statuses::EnrollmentStatus;
use crate::effects::{self, Audit, EnrollmentWrite};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentInput {
    /// The worker to enrol; a trainee enrols themself and may leave it out.
    pub worker_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentChange {
    pub status: Option<String>,
    pub progress_percent: Option<i32>,
    /// Defaults to today when the status becomes `completed`.
    pub completed_on: Option<String>,
    /// Required when the status becomes `certified`.
    pub certificate_no: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentView {
    pub id: String,
    pub course_id: String,
    pub worker_id: String,
    #[schema(value_type = String)]
    pub status: EnrollmentStatus,
    pub progress_percent: i32,
    pub commune_code_at_enrolment: String,
    pub applied_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
    /// Applied from the public form with a registered CCCD but a birth date that does not
    /// agree with the record: staff check the person's papers before confirming.
    pub identity_unconfirmed: bool,
}

fn enrollment_view(enrollment: Enrollment) -> EnrollmentView {
    EnrollmentView {
        commune_code_at_enrolment: unit_code(&enrollment.commune_id_at_enrolment).to_owned(),
        id: enrollment.id,
        course_id: enrollment.course_id,
        worker_id: enrollment.worker_id,
        status: enrollment.status,
        progress_percent: enrollment.progress_percent,
        applied_on: enrollment.applied_on,
        completed_on: enrollment.completed_on,
        certificate_no: enrollment.certificate_no,
        identity_unconfirmed: enrollment.identity_unconfirmed,
    }
}

pub fn enrol(
    connection: &mut DbConn,
    principal: &Principal,
    course_id: &str,
    input: EnrollmentInput,
) -> Result<EnrollmentView, AppError> {
    let scope = allowed(Some(principal.role), Resource::Enrollments, Action::Create);
    let worker_id = match scope {
        Scope::Own => match (&principal.worker_id, &input.worker_id) {
            (Some(own), Some(sent)) if own != sent => return Err(AppError::Forbidden),
            (Some(own), _) => own.clone(),
            (None, _) => return Err(AppError::Forbidden),
        },
        Scope::All | Scope::Area => input
            .worker_id
            .clone()
            .ok_or_else(|| AppError::field("worker_id", "required"))?,
        _ => return Err(AppError::Forbidden),
    };
    let course = rows::find(connection, course_id)?.ok_or(AppError::NotFound)?;
    let worker = worker_rows::find(connection, &worker_id)?
        .filter(|worker| worker.archived_at.is_none())
        .ok_or_else(|| AppError::field("worker_id", "unknown_worker"))?;
    if scope == Scope::Area
        && principal
            .area_units
            .as_ref()
            .is_some_and(|area| !area.contains(&worker.commune_id))
    {
        return Err(AppError::field("worker_id", "outside_area"));
    }
    if course.archived_at.is_some() || matches!(course.status.as_str(), "finished" | "cancelled") {
        return Err(AppError::Conflict("invalid_status_change"));
    }
    if let Some(existing) = enrollment_rows::find_id(connection, &course.id, &worker.id)? {
        return Err(AppError::Duplicate {
            field: "worker_id",
            kind: "enrollments",
            id: existing,
        });
    }
    let now = accounts::now();
    let enrollment = NewEnrollment {
        id: new_id(),
        course_id: course.id.clone(),
        worker_id: worker.id.clone(),
        status: EnrollmentStatus::Applied,
        progress_percent: 0,
        commune_id_at_enrolment: worker.commune_id.clone(),
        applied_on: now.date(),
        completed_on: None,
        certificate_no: None,
        created_at: now,
        updated_at: now,
    };
    enrollment_rows::insert(connection, &enrollment)?;
    effects::enrollment(
        connection,
        &enrollment.id,
        &enrollment.worker_id,
        EnrollmentWrite::Applied,
        Audit {
            actor: &principal.actor(),
            action: "create",
            fields: &["course_id", "worker_id"],
            at: now,
        },
    )?;
    let stored = enrollment_rows::find(connection, &enrollment.id)?.ok_or(AppError::NotFound)?;
    Ok(enrollment_view(stored))
}

/// Whether every place of the course is taken by an enrolment that was confirmed and not
/// dropped. The course row is written first: on PostgreSQL that lock makes two officers
/// confirming the last place at once take turns (SQLite has one writer anyway), as a hire does
/// with its vacancy.
fn course_is_full(connection: &mut DbConn, course_id: &str) -> diesel::QueryResult<bool> {
    let capacity = crate::models::courses::lock_capacity(connection, course_id)?;
    let taken = crate::models::enrollments::holding_places(connection, course_id)?;
    Ok(taken >= i64::from(capacity))
}

pub fn change_enrollment(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    change: EnrollmentChange,
) -> Result<EnrollmentView, AppError> {
    let scope = allowed(Some(principal.role), Resource::Enrollments, Action::Update);
    if !matches!(scope, Scope::All | Scope::Area) {
        return Err(AppError::Forbidden);
    }
    connection.write_transaction(|connection| {
        let mut enrollment = enrollment_rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if scope == Scope::Area
            && principal
                .area_units
                .as_ref()
                .is_some_and(|area| !area.contains(&enrollment.commune_id_at_enrolment))
        {
            return Err(AppError::NotFound);
        }
        let mut checks = Checks::default();
        let mut fields = Vec::new();
        let mut confirmed = false;
        if let Some(progress) = change.progress_percent {
            fields.push("progress_percent");
            if (0..=100).contains(&progress) {
                enrollment.progress_percent = progress;
            } else {
                checks.fail_with(
                    FieldError::new("progress_percent", "out_of_range")
                        .with("min", "0")
                        .with("max", "100"),
                );
            }
        }
        let completed_on = match &change.completed_on {
            Some(raw) => values::date(raw)
                .map_err(|code| checks.fail("completed_on", code))
                .ok(),
            None => None,
        };
        let certificate_no = match &change.certificate_no {
            Some(raw) => checks.text("certificate_no", raw, 100, false),
            None => None,
        };
        if let Some(sent) = &change.status {
            fields.push("status");
            let status: Option<EnrollmentStatus> =
                checks.one_of("status", sent, ENROLLMENT_STATUSES);
            if let Some(status) = status.filter(|status| *status != enrollment.status) {
                if !enrollment.status.next().contains(&status) {
                    return Err(AppError::Conflict("invalid_status_change"));
                }
                if status == EnrollmentStatus::Completed {
                    enrollment.completed_on =
                        Some(completed_on.unwrap_or_else(|| accounts::now().date()));
                    enrollment.progress_percent = 100;
                }
                if status == EnrollmentStatus::Enrolled {
                    if course_is_full(connection, &enrollment.course_id)? {
                        return Err(AppError::Conflict("course_full"));
                    }
                    confirmed = true;
                }
                if status == EnrollmentStatus::Certified {
                    match certificate_no.clone() {
                        Some(number) => enrollment.certificate_no = Some(number),
                        None => checks.fail("certificate_no", "required"),
                    }
                }
                enrollment.status = status;
            }
        }
        checks.finish()?;
        enrollment.updated_at = accounts::now();
        enrollment_rows::update(connection, &enrollment)?;
        effects::enrollment(
            connection,
            &enrollment.id,
            &enrollment.worker_id,
            EnrollmentWrite::Changed { confirmed },
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &fields,
                at: enrollment.updated_at,
            },
        )?;
        Ok(enrollment_view(enrollment))
    })
}
