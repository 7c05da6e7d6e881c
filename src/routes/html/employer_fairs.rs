//! Job fairs on the employer portal: every fair the employer brought a vacancy to, with the
//! vacancies it brought, and upcoming fairs to which it may bring an open vacancy of its own.
//! The workers referred to it at a fair are its candidates like any others.

use actix_web::{HttpResponse, web};

use super::employer::{EMPLOYER, render_portal};
use super::{PageError, Visit};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::error::AppError;
use crate::hiring::job_fairs::{self, FairVacancy, FairVacancyInput, FairView};
use crate::registry::vacancies::VacancyView;
use crate::state::AppState;

/// A fair as the portal shows it to one employer.
pub struct EmployerFair {
    pub fair: FairView,
    /// The employer's own vacancies brought to it.
    pub own: Vec<FairVacancy>,
    /// Not yet held: the employer may bring one of `offer`.
    pub upcoming: bool,
    /// Open or draft vacancies of the employer not yet brought, as `(id, title)`.
    pub offer: Vec<(String, String)>,
}

/// The fairs for the portal: those the employer takes part in and those coming up.
pub(super) fn fairs_for(
    connection: &mut DbConn,
    principal: &Principal,
    vacancies: &[VacancyView],
) -> Result<Vec<EmployerFair>, AppError> {
    let employer = principal.employer_id.clone().unwrap_or_default();
    let today = accounts::now().date();
    Ok(job_fairs::list(connection, Some(principal), None)?
        .into_iter()
        .map(|fair| {
            let own: Vec<FairVacancy> = fair
                .vacancies
                .iter()
                .filter(|vacancy| vacancy.employer_id == employer)
                .cloned()
                .collect();
            let offer = vacancies
                .iter()
                .filter(|vacancy| matches!(vacancy.status.as_str(), "open" | "draft"))
                .filter(|vacancy| !own.iter().any(|brought| brought.vacancy_id == vacancy.id))
                .map(|vacancy| (vacancy.id.clone(), vacancy.title.clone()))
                .collect();
            EmployerFair {
                upcoming: fair.held_on >= today,
                fair,
                own,
                offer,
            }
        })
        .collect())
}

/// `POST /employer/job-fairs/{id}/vacancies`: brings one of the employer's vacancies to an
/// upcoming fair.
pub(super) async fn bring(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: super::forms::Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    let lang = visit.lang;
    let id = id.into_inner();
    let input = FairVacancyInput {
        vacancy_id: form.get("vacancy_id"),
    };
    let acting = principal.clone();
    let outcome = visit
        .blocking(&state, move |connection| {
            match job_fairs::add_vacancy(connection, &acting, &id, input) {
                Ok(_) => Ok(None),
                Err(error @ AppError::Validation(_)) => Ok(Some(error.describe(lang))),
                Err(other) => Err(other),
            }
        })
        .await?;
    match outcome {
        None => Ok(visit.redirect("/employer#fairs")),
        Some(message) => render_portal(&state, &visit, principal, Some(message)).await,
    }
}
