//! `/admin/areas`: the poor-area and difficult-area flags of districts and communes, for
//! administrators. Codes are typed as in the statistics office's list; a code that names
//! nothing is shown beside the field and nothing is written.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::forms::{FormState, Posted};
use super::{Chrome, PageError, Visit};
use crate::accounts::Role;
use crate::models::admin_units::{self, AdminUnit};
use crate::registry::areas::{self, FlagInput};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/admin/areas", web::get().to(show))
        .route("/admin/areas", web::post().to(change));
}

#[derive(Template)]
#[template(path = "pages/admin/areas.html")]
struct AreasPage {
    page: Chrome,
    /// Every district, and the communes with a flag, oldest generation first.
    units: Vec<AdminUnit>,
    form: FormState,
    flag_options: Vec<(String, String)>,
    action_options: Vec<(String, String)>,
}

const FIELDS: &[&str] = &["codes", "flag", "action"];

async fn render(
    state: &web::Data<AppState>,
    visit: &Visit,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    visit.require(&[Role::Admin])?;
    let units = visit
        .blocking(state, move |connection| {
            Ok(admin_units::search(connection, None, None, None)?)
        })
        .await?;
    let tr = visit.tr();
    let options = |keys: &[&str]| {
        keys.iter()
            .map(|key| ((*key).to_owned(), tr.t(&format!("areas.{key}")).to_owned()))
            .collect()
    };
    let page = AreasPage {
        page: visit.chrome(tr.t("areas.title")),
        units: units
            .into_iter()
            .filter(|unit| unit.kind == "district" || unit.poor_area || unit.difficult_area)
            .collect(),
        form,
        flag_options: options(&["poor_area", "difficult_area"]),
        action_options: options(&["set", "clear"]),
    };
    visit.render_with(status, &page)
}

async fn show(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    render(&state, &visit, StatusCode::OK, FormState::default()).await
}

async fn change(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let input = FlagInput {
        codes: form.get("codes"),
        flag: form.get("flag"),
        set: form.get("action").as_deref() != Some("clear"),
    };
    let done = visit
        .blocking(&state, move |connection| {
            Ok(areas::set_flag(connection, &principal, input))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect("/admin/areas")),
        Err(error) => {
            let form_state = visit.refused(&form, error, FIELDS)?;
            render(&state, &visit, StatusCode::UNPROCESSABLE_ENTITY, form_state).await
        }
    }
}
