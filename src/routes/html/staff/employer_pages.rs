//! Employers awaiting verification, and verifying them.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::registry::employers;
use crate::routes::html::forms::Posted;
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

#[derive(Template)]
#[template(path = "pages/staff/employers.html")]
pub(super) struct EmployerListPage {
    page: Chrome,
    items: Vec<employers::EmployerView>,
}

pub(super) async fn employer_list(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let items = visit
        .blocking(&state, move |connection| {
            let mut items = employers::list(
                connection,
                &principal,
                employers::EmployerQuery {
                    limit: Some(100),
                    ..Default::default()
                },
            )?
            .items;
            items.sort_by_key(|employer| employer.verified);
            Ok(items)
        })
        .await?;
    let page = EmployerListPage {
        page: visit.chrome(visit.tr().t("employers.title")),
        items,
    };
    visit.render(&page)
}

pub(super) async fn employer_verify(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    visit
        .blocking(&state, move |connection| {
            connection.write_transaction(|connection| {
                employers::update(
                    connection,
                    &principal,
                    &id,
                    employers::EmployerInput {
                        verified: Some(true),
                        ..Default::default()
                    },
                )
            })
        })
        .await?;
    Ok(visit.redirect("/employers"))
}
