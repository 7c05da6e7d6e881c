//! Applying for a course from the public catalogue: the applicant is found by CCCD or
//! registered as a worker, and an `applied` enrolment is filed for staff to confirm.
//!
//! The public may not read or create workers, so the application acts for the service (like
//! an officer taking a paper form): an existing person is linked without changing or revealing
//! the record, and a new one is registered with the registry's own validation.

use super::courses::{self, CourseView, EnrollmentInput};
use super::workers::{self, WorkerInput};
use crate::accounts::throttle;
use crate::accounts::{self, Principal, Role};
use crate::db::DbConn;
use crate::domain::values;
use crate::effects::{self, Audit};
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
/// `address` is where the form came from, for the throttle.
///
/// To anyone else the answer is the same whether or not the CCCD is registered, whether the
/// birth date agrees and whether the person had applied already: every field is checked as
/// for a new person, and an application on a registered CCCD is filed quietly, marked for
/// staff to check the person's papers when the birth date does not agree. The form is
/// throttled by address and by CCCD, so it cannot be used to search the registry.
pub fn apply(
    connection: &mut DbConn,
    caller: Option<&Principal>,
    address: &str,
    course_id: &str,
    application: Application,
) -> Result<(), AppError> {
    if let Some(principal) = caller.filter(|principal| principal.worker_id.is_some()) {
        return connection
            .write_transaction(|connection| file(connection, principal, course_id, None));
    }
    if caller.is_some_and(|principal| principal.role != Role::Trainee) {
        // Staff enrol people from the worker's page; employers do not enrol.
        return Err(AppError::Forbidden);
    }
    let (service, national_id, input, born) = checked_person(connection, address, application)?;
    connection.write_transaction(|connection| {
        match models::workers::find_id_by_national_id(connection, &national_id)? {
            Some(existing) => {
                // A CCCD alone is no proof of being its holder: the birth date must agree too,
                // or staff see the mark and check.
                let registered =
                    models::workers::find(connection, &existing)?.map(|worker| worker.birth_date);
                file_quietly(
                    connection,
                    &service,
                    course_id,
                    existing,
                    registered != born,
                )
            }
            None => {
                let worker_id = workers::create(connection, &service, input)?.id;
                if let Some(trainee) = caller {
                    models::users::link_worker(connection, &trainee.user_id, &worker_id)?;
                }
                file(connection, &service, course_id, Some(worker_id))
            }
        }
    })
}

/// The applicant's form checked as for a new person, after the throttle (by address and CCCD,
/// every sending counted): the service acting, the CCCD, the worker to register if the CCCD is
/// new, and the birth date given.
fn checked_person(
    connection: &mut DbConn,
    address: &str,
    application: Application,
) -> Result<(Principal, String, WorkerInput, Option<chrono::NaiveDate>), AppError> {
    let national_id = match application.national_id.as_deref() {
        None => return Err(AppError::field("national_id", "required")),
        Some(raw) => {
            values::national_id(raw).map_err(|code| AppError::field("national_id", code))?
        }
    };
    let now = accounts::now();
    if let Some(retry_after_seconds) =
        throttle::public_form::retry_after(connection, address, &national_id, now)?
    {
        return Err(AppError::TooManyRequests {
            retry_after_seconds,
        });
    }
    // Counted in a transaction of its own: a refused sending counts too.
    connection.write_transaction(|connection| {
        throttle::public_form::record(connection, address, &national_id, now)
    })?;
    let service = Principal::operator();
    let input = WorkerInput {
        full_name: application.full_name,
        national_id: Some(Some(national_id.clone())),
        birth_date: application.birth_date,
        gender: application.gender,
        ethnicity_code: application.ethnicity_code,
        phone: Some(application.phone),
        commune_code: application.commune_code,
        ..WorkerInput::default()
    };
    let born = input
        .birth_date
        .as_deref()
        .and_then(|raw| values::date(raw).ok());
    workers::check_new(connection, &service, &input)?;
    Ok((service, national_id, input, born))
}

/// Registers a person for an upcoming job fair from its public page, answered alike whatever
/// the registry holds: a registered CCCD is registered for the fair as it is (without changing
/// or revealing the record), a new one is registered as a worker first.
pub fn register_for_fair(
    connection: &mut DbConn,
    address: &str,
    fair_id: &str,
    application: Application,
) -> Result<(), AppError> {
    let fair = models::job_fairs::find(connection, fair_id)?.ok_or(AppError::NotFound)?;
    if fair.held_on < accounts::now().date() {
        return Err(AppError::NotFound);
    }
    let (service, national_id, input, _) = checked_person(connection, address, application)?;
    connection.write_transaction(|connection| {
        let worker_id = match models::workers::find_id_by_national_id(connection, &national_id)? {
            Some(existing) => existing,
            None => workers::create(connection, &service, input)?.id,
        };
        let now = accounts::now();
        let newly = models::job_fairs::register_worker(connection, fair_id, &worker_id, None, now)?;
        effects::fair_registration(
            connection,
            fair_id,
            &worker_id,
            newly,
            Audit {
                actor: &service.actor(),
                action: "update",
                fields: &["job_fair"],
                at: now,
            },
        )?;
        Ok(())
    })
}

/// Files an application on a registered person's record, answering as for anyone: an
/// application already filed is left as it is.
fn file_quietly(
    connection: &mut DbConn,
    service: &Principal,
    course_id: &str,
    worker_id: String,
    identity_unconfirmed: bool,
) -> Result<(), AppError> {
    let course = courses::read(connection, Some(service), course_id)?;
    if !accepts(&course) {
        return Err(AppError::Conflict("course_closed"));
    }
    match courses::enrol(
        connection,
        service,
        course_id,
        EnrollmentInput {
            worker_id: Some(worker_id),
        },
    ) {
        Ok(created) => {
            if identity_unconfirmed {
                models::enrollments::mark_identity_unconfirmed(connection, &created.id)?;
            }
            Ok(())
        }
        Err(AppError::Duplicate { .. }) => Ok(()),
        Err(other) => Err(other),
    }
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
