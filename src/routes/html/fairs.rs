//! The public list of upcoming job fairs (`/job-fairs`): when and where, who organises them and
//! the employers and vacancies they bring; nothing about any person.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Chrome, PageError, Visit};
use crate::hiring::job_fairs::{self, FairView};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config.route("/job-fairs", web::get().to(list));
}

#[derive(Template)]
#[template(path = "pages/public/job_fairs.html")]
struct FairsPage {
    page: Chrome,
    fairs: Vec<FairView>,
}

async fn list(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    // The public list for everyone, staff included: upcoming fairs without results.
    let fairs = visit
        .blocking(&state, move |connection| {
            job_fairs::list(connection, None, None)
        })
        .await?;
    visit.render(&FairsPage {
        page: visit.chrome(visit.tr().t("fairs.title")),
        fairs,
    })
}
