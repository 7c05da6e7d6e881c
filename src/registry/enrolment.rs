//! Applying for a course from the public catalogue: the applicant is found by CCCD or
//! registered as a worker, and an `applied` enrolment is filed for staff to confirm.
//!
//! The public may not read or create workers, so the application acts for the service (like
//! an officer taking a paper form): an existing person — the CCCD and the birth date agreeing
//! with their record — is linked without changing or revealing it, and a new one is registered
//! with the registry's own validation.

use super::courses::{self, CourseView, EnrollmentInput};
use super::workers::{self, WorkerInput};
use crate::accounts::{Principal, Role};
use crate::db::DbConn;
use crate::domain::values;
use crate::error::AppError;
use crate::models;

/// The form's fields, for errors shown beside them.
pub const FIELDS: &[&str] = &[
    "full_name",
    "national_id",
    "birth_date",
    "gender",
    "ethnicity_code",
    "phone",
    "commune_code",
];

/// What the applicant types.
#[derive(Debug, Default)]
pub struct Application {
    pub full_name: Option<String>,
    pub national_id: Option<String>,
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    pub ethnicity_code: Option<String>,
    pub phone: Option<String>,
    pub commune_code: Option<String>,
}

/// Whether the course takes applications.
pub fn accepts(course: &CourseView) -> bool {
    course.archived_at.is_none() && matches!(course.status.as_str(), "planned" | "open" | "running")
}

/// Files the application. `caller` is the signed-in visitor, if any: a trainee linked to a
/// worker applies as that worker; a trainee without one is linked to the worker made now.
pub fn apply(
    connection: &mut DbConn,
    caller: Option<&Principal>,
    course_id: &str,
    application: Application,
) -> Result<(), AppError> {
    if let Some(principal) = caller.filter(|principal| principal.worker_id.is_some()) {
        return file(connection, principal, course_id, None);
    }
    if caller.is_some_and(|principal| principal.role != Role::Trainee) {
        // Staff enrol people from the worker's page; employers do not enrol.
        return Err(AppError::Forbidden);
    }
    let national_id = match application.national_id.as_deref() {
        None => return Err(AppError::field("national_id", "required")),
        Some(raw) => {
            values::national_id(raw).map_err(|code| AppError::field("national_id", code))?
        }
    };
    let service = Principal::operator();
    let (worker_id, created) =
        match models::workers::find_id_by_national_id(connection, &national_id)? {
            // A CCCD alone is no proof of being its holder: the birth date must agree too.
            Some(existing) => {
                let born = application
                    .birth_date
                    .as_deref()
                    .ok_or_else(|| AppError::field("birth_date", "required"))
                    .and_then(|raw| {
                        values::date(raw).map_err(|code| AppError::field("birth_date", code))
                    })?;
                let registered =
                    models::workers::find(connection, &existing)?.map(|worker| worker.birth_date);
                if registered != Some(born) {
                    return Err(AppError::field("national_id", "identity_mismatch"));
                }
                (existing, false)
            }
            None => {
                let input = WorkerInput {
                    full_name: application.full_name,
                    national_id: Some(Some(national_id)),
                    birth_date: application.birth_date,
                    gender: application.gender,
                    ethnicity_code: application.ethnicity_code,
                    phone: Some(application.phone),
                    commune_code: application.commune_code,
                    ..WorkerInput::default()
                };
                let created = workers::create(connection, &service, input)?;
                let id = created.body["id"]
                    .as_str()
                    .ok_or_else(|| {
                        AppError::Unexpected(anyhow::anyhow!("created worker without an id"))
                    })?
                    .to_owned();
                (id, true)
            }
        };
    if created && let Some(trainee) = caller {
        models::users::link_worker(connection, &trainee.user_id, &worker_id)?;
    }
    file(connection, &service, course_id, Some(worker_id))
}

fn file(
    connection: &mut DbConn,
    principal: &Principal,
    course_id: &str,
    worker_id: Option<String>,
) -> Result<(), AppError> {
    let course = courses::read(connection, Some(principal), course_id)?;
    if !accepts(&course) {
        return Err(AppError::Conflict("course_closed"));
    }
    match courses::enrol(
        connection,
        principal,
        course_id,
        EnrollmentInput { worker_id },
    ) {
        Ok(_) => Ok(()),
        Err(AppError::Duplicate { .. }) => Err(AppError::Conflict("already_applied")),
        Err(other) => Err(other),
    }
}
