//! Bringing the service up: the database (migrations, reference data, optional demo), the
//! index folder, the listening socket and the HTTP server.

use std::net::TcpListener;
use std::path::Path;

use actix_web::dev::Server;
use actix_web::dev::Service;
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use futures_util::future::Either;

use crate::config::Settings;
use crate::db::pool::{self, DbPool};
use crate::db::{self, Backend, DbConn, migrations, reference};
use crate::demo::{self, DemoOptions};
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, REQUEST_LANG};
use crate::models;
use crate::routes;
use crate::routes::api::extract::ForbiddenInUri;
use crate::state::AppState;

/// Opens the database named by the settings, applies pending migrations and loads missing
/// reference data, on one connection before any pool exists.
pub fn open_and_migrate(settings: &Settings) -> anyhow::Result<DbConn> {
    let mut connection = db::establish(&settings.database_url)?;
    let applied = migrations::run_pending(&mut connection).map_err(|error| {
        anyhow::anyhow!(
            "migrating {}: {}",
            settings.database_url,
            db::one_line(&error.to_string())
        )
    })?;
    for version in &applied {
        tracing::info!(version = %version, "applied migration");
    }
    let loaded = reference::load(&mut connection).context("loading reference data")?;
    if loaded.inserted > 0 {
        tracing::info!(rows = loaded.inserted, "loaded reference data");
    }
    let recount = loaded.periods > 0 || crate::progress::facts::none_counted(&mut connection)?;
    if recount && !models::workers::none(&mut connection)? {
        // Records made before a period was known count in it too; a migration that changed
        // the rules empties the facts, and they are counted again here.
        let rebuilt = crate::progress::facts::rebuild(&mut connection, &mut |_| {})
            .context("counting the records in the new programme periods")?;
        tracing::info!(
            facts = rebuilt.facts,
            "progress counted for new programme periods"
        );
    }
    Ok(connection)
}

/// What `serve --demo` tells the newcomer.
pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub loaded_now: Option<demo::DemoSummary>,
}

/// Loads the default demo into an empty database; either way, reports the demo login when
/// the database has the demo's accounts.
pub fn ensure_demo(
    connection: &mut DbConn,
    demo_workers: u64,
    show_progress: bool,
) -> anyhow::Result<Option<DemoLogin>> {
    let loaded_now = if models::workers::none(connection)? {
        tracing::info!(
            workers = demo_workers,
            "loading the demo province into the empty database"
        );
        let options = DemoOptions {
            workers: demo_workers,
            seed: 1,
            show_progress,
        };
        Some(demo::generate(connection, options).context("loading the demo")?)
    } else {
        None
    };
    let has_admin = models::users::find_by_email(connection, demo::DEMO_ADMIN_EMAIL)?.is_some();
    Ok(has_admin.then_some(DemoLogin {
        email: demo::DEMO_ADMIN_EMAIL,
        password: demo::DEMO_PASSWORD,
        loaded_now,
    }))
}

/// Makes sure the search index folder exists and can be written, so a bad setting is
/// reported at start-up rather than at the first write.
pub fn check_index_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create the search index folder {}", path.display()))?;
    let probe = path.join(".ketnoi-write-check");
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("the search index folder {} is not writable", path.display()))?;
    std::fs::remove_file(&probe).with_context(|| format!("cleaning up in {}", path.display()))?;
    Ok(())
}

/// Binds the listening socket (port 0 picks a free one).
pub fn listen(bind: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(bind).with_context(|| format!("cannot listen on {bind}"))
}

pub fn build_pool(settings: &Settings) -> anyhow::Result<(DbPool, Backend)> {
    let pool = pool::build(&settings.database_url, settings.pool_size)
        .with_context(|| format!("opening a connection pool to {}", settings.database_url))?;
    Ok((pool, settings.database_url.backend()))
}

/// The HTTP server on an already-bound socket. Call inside an actix system.
pub fn server(
    listener: TcpListener,
    state: AppState,
    http_workers: Option<usize>,
) -> std::io::Result<Server> {
    let data = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        let metrics = data.metrics.clone();
        App::new()
            .app_data(data.clone())
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
            // A NUL or a direction override in the address is refused before any handler
            // reads it (PostgreSQL cannot even compare with a NUL).
            .wrap_fn(|request, service| {
                match routes::api::extract::forbidden_in_uri(request.uri()) {
                    None => Either::Left(service.call(request)),
                    Some(found) => Either::Right(async move {
                        let error = match found {
                            ForbiddenInUri::Path => AppError::NotFound,
                            ForbiddenInUri::Query(name) => {
                                AppError::Validation(vec![FieldError::new(
                                    name,
                                    "control_character",
                                )])
                            }
                        };
                        let response = routes::error_for(request.request(), error);
                        Ok(request.into_response(response))
                    }),
                }
            })
            // Every answer is counted for `/metrics` by its route's pattern, and logged
            // without its query string.
            .wrap_fn(move |request, service| {
                let started = std::time::Instant::now();
                let method = request.method().to_string();
                let path = request.path().to_owned();
                let metrics = metrics.clone();
                let answer = service.call(request);
                async move {
                    let response = answer.await?;
                    let seconds = started.elapsed().as_secs_f64();
                    let status = response.status().as_u16();
                    let route = response
                        .request()
                        .match_pattern()
                        .unwrap_or_else(|| "(unmatched)".to_owned());
                    metrics.observe(&route, &method, status, seconds);
                    tracing::info!(
                        target: "ketnoi::access",
                        "{}",
                        crate::metrics::access_line(&method, &path, status, seconds)
                    );
                    Ok(response)
                }
            })
            // Errors render in the request's language: see `i18n::REQUEST_LANG`.
            .wrap_fn(|request, service| {
                let lang = Lang::from_request(request.request());
                REQUEST_LANG.scope(lang, service.call(request))
            })
            // Rural connections are slow: pages, styles and JSON go compressed to clients
            // that accept it.
            .wrap(actix_web::middleware::Compress::default())
    });
    if let Some(workers) = http_workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.listen(listener)?.run())
}
