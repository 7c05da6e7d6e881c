//! What each command does, given parsed arguments.

use std::time::Instant;

use anyhow::Context as _;
use std::io::IsTerminal;

use crate::accounts::{self, CreateUser, Role};
use crate::cli::{
    AreaCommand, BenchCommand, Cli, Command, DemoArgs, MailArgs, MailCommand, MailOptions,
    MigrateArgs, ProgressCommand, ReportArgs, ServeArgs, UserCommand,
};
use crate::config::{ServeSettings, Settings};
use crate::db::{self, DatabaseUrl, migrations};
use crate::demo::{self, DemoOptions};
use crate::i18n::Lang;
use crate::models::admin_units::{self, AreaFlag};
use crate::search::SearchIndex;
use crate::search::index;
use crate::search::matching::Weights;
use crate::startup;
use crate::state::AppState;

mod data;
mod targets;
use data::{backup, export, import, progress_rebuild, reindex, restore};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let database_url = DatabaseUrl::parse(&cli.database_url)?;
    let settings = Settings::new(database_url, cli.index_dir);
    match cli.command {
        Command::Serve(args) => serve(&settings, serve_settings(args)?),
        Command::Migrate(args) => migrate(&settings, &args),
        Command::Demo(args) => run_demo(&settings, &args),
        Command::Area(args) => area(&settings, args.command),
        Command::User(args) => user(&settings, args.command),
        Command::Targets(args) => targets::run(&settings, args.command),
        Command::Reindex(args) => reindex(&settings, &args),
        Command::Report(args) => report(&settings, &args),
        Command::Mail(args) => mail(&settings, &args),
        Command::Import(args) => import(&settings, &args),
        Command::Export(args) => export(&settings, &args),
        Command::Backup(args) => backup(&settings, &args),
        Command::Restore(args) => restore(&settings, &args),
        Command::Progress(args) => match args.command {
            ProgressCommand::Rebuild => progress_rebuild(&settings),
        },
        Command::Bench(args) => match args.command {
            BenchCommand::Progress {
                workers,
                iterations,
            } => crate::bench::progress::run(&settings, workers, iterations),
            BenchCommand::Import { rows } => crate::bench::import::run(&settings, rows),
            BenchCommand::Sms { messages, smpp_url } => {
                crate::bench::sms::run(&settings, messages, &smpp_url)
            }
            BenchCommand::Soak {
                workers,
                clients,
                seconds,
            } => crate::bench::soak::run(
                &settings,
                &crate::bench::soak::SoakBench {
                    workers,
                    clients,
                    seconds,
                },
            ),
            BenchCommand::Match {
                workers,
                postgres,
                queries,
                top,
            } => crate::bench::search::run(
                &settings,
                &crate::bench::search::MatchBench {
                    workers,
                    postgres,
                    queries,
                    top,
                },
            ),
        },
    }
}

fn serve_settings(args: ServeArgs) -> anyhow::Result<ServeSettings> {
    let match_weights = Weights::parse(&args.match_weights)
        .map_err(|message| anyhow::anyhow!("KETNOI_MATCH_WEIGHTS: {message}"))?;
    Ok(ServeSettings {
        mail: mail_settings(&args.mail)?,
        bind: args.bind,
        demo_workers: args.demo.then_some(args.demo_workers),
        workers: args.http_workers,
        match_weights,
        trusted_proxies: crate::proxies::TrustedProxies::parse(&args.trusted_proxies)
            .map_err(anyhow::Error::msg)?,
        metrics_token: args.metrics_token,
    })
}

fn parse_kind(raw: &str) -> anyhow::Result<crate::import::Kind> {
    crate::import::Kind::parse(raw).ok_or_else(|| {
        anyhow::anyhow!("KIND: {raw} is none of households, workers, employers, vacancies, courses")
    })
}

fn parse_lang(raw: &str) -> anyhow::Result<Lang> {
    match raw {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        other => anyhow::bail!("--lang: {other} is neither vi nor en"),
    }
}

fn mail_settings(options: &MailOptions) -> anyhow::Result<crate::mail::MailSettings> {
    let transport =
        crate::mail::Transport::configure(options.smtp_url.as_deref(), &options.mail_dir)?;
    crate::mail::MailSettings::new(
        transport,
        &options.mail_from,
        options.mail_max_attempts,
        options.mail_retry_seconds,
        options.mail_poll_seconds,
        &options.public_url,
    )
    .and_then(|settings| {
        use crate::mail::sms_transport::SmsSettings;
        let folder = options
            .sms_dir
            .clone()
            .unwrap_or_else(|| options.mail_dir.join("sms"));
        let files = SmsSettings::files(&folder, &options.sms_encoding)?;
        Ok(settings.with_sms(match &options.smpp_url {
            Some(url) => {
                SmsSettings::smpp(crate::mail::smpp::SmppConfig::parse(url)?, files.encoding)
            }
            None => files,
        }))
    })
}

fn mail(settings: &Settings, args: &MailArgs) -> anyhow::Result<()> {
    let mail = mail_settings(&args.options)?;
    let mut connection = startup::open_and_migrate(settings)?;
    match &args.command {
        MailCommand::Deliver => {
            let done = crate::mail::deliver_due(&mut connection, &mail, accounts::now())?;
            println!(
                "Mail ({}): {} sent, {} to retry, {} failed.",
                mail.transport.describe(),
                done.sent,
                done.retried,
                done.failed
            );
        }
        MailCommand::Digest => {
            let queued = crate::mail::digest::queue_week(&mut connection, accounts::now())?;
            println!("{queued} weekly digests queued.");
        }
        MailCommand::Retry { id } => {
            if crate::mail::outbox::retry(&mut connection, id, accounts::now())? {
                println!("{id} goes out on the server's next pass (or `ketnoi mail deliver`).");
            } else {
                anyhow::bail!("{id}: no failed message has this id");
            }
        }
    }
    Ok(())
}

fn report(settings: &Settings, args: &ReportArgs) -> anyhow::Result<()> {
    let lang = match args.lang.as_str() {
        "vi" => Lang::Vi,
        "en" => Lang::En,
        other => anyhow::bail!("--lang: {other} is neither vi nor en"),
    };
    anyhow::ensure!(
        crate::progress::report::FORMATS.contains(&args.format.as_str()),
        "--format: {} is not one of xlsx, csv, json",
        args.format
    );
    let mut connection = startup::open_and_migrate(settings)?;
    let selection = crate::progress::service::cli_selection(
        &mut connection,
        &args.period,
        args.district.as_deref(),
        args.commune.as_deref(),
    )
    .map_err(|error| anyhow::anyhow!("{}", error.describe(lang)))?;
    let report = crate::progress::report::build(
        &mut connection,
        &selection,
        lang,
        crate::accounts::now().date(),
    )
    .map_err(|error| anyhow::anyhow!("{}", error.describe(lang)))?;
    let (bytes, _) = crate::progress::report::render(&report, &args.format, lang)
        .map_err(|error| anyhow::anyhow!("{}", error.describe(lang)))?;
    std::fs::write(&args.out, bytes)
        .map_err(|error| anyhow::anyhow!("{}: {error}", args.out.display()))?;
    for figure in &report.cumulative.targets {
        println!(
            "{:<24} {:>12} / {:<8} {:>7.2} %",
            figure.key, figure.actual, figure.target, figure.percent
        );
    }
    println!("{}", args.out.display());
    Ok(())
}

fn serve(settings: &Settings, serve: ServeSettings) -> anyhow::Result<()> {
    // Cheap checks first, so a bad setting fails before minutes of demo loading.
    startup::check_index_dir(&settings.index_dir)?;
    let unanswered = crate::hiring::pipeline::UnansweredPolicy::from_env()
        .map_err(|message| anyhow::anyhow!(message))?;
    let listener = startup::listen(&serve.bind)?;
    let address = listener.local_addr().context("reading the bound address")?;
    let mut connection = startup::open_and_migrate(settings)?;
    let login = match serve.demo_workers {
        Some(workers) => {
            startup::ensure_demo(&mut connection, workers, std::io::stderr().is_terminal())?
        }
        None => None,
    };
    if login
        .as_ref()
        .is_some_and(|login| login.loaded_now.is_some())
    {
        // The demo bypassed the change log: index everything afresh.
        index::invalidate(&settings.index_dir)?;
    }
    drop(connection);
    let (pool, backend) = startup::build_pool(settings)?;
    let search = SearchIndex::open(
        &settings.index_dir,
        pool.clone(),
        std::io::stderr().is_terminal(),
    )?;

    println!(
        "Ketnoi is listening on http://{address} ({}, {})",
        backend.name(),
        settings.database_url
    );
    if let Some(login) = login {
        if let Some(summary) = &login.loaded_now {
            println!(
                "Demo province loaded: {} households, {} workers, {} employers, {} vacancies, {} placements.",
                summary.households,
                summary.workers,
                summary.employers,
                summary.vacancies,
                summary.placements
            );
        }
        println!("Demo login: {} / {}", login.email, login.password);
    }

    crate::hiring::pipeline::spawn_sweeper(pool.clone(), unanswered)
        .context("starting the referral sweep")?;
    // Runs as long as the server does.
    // Texts from handsets are read after each of the sender's passes.
    let read_replies: crate::mail::sender::AfterPass = Box::new(|connection, now| {
        crate::hiring::sms_replies::read_replies(connection, now)
            .map_err(|error| anyhow::anyhow!("{error:?}"))
    });
    let _mail_sender = crate::mail::sender::spawn(
        pool.clone(),
        std::sync::Arc::new(serve.mail),
        Some(read_replies),
    )
    .context("starting the mail sender")?;
    let state = AppState::new(
        pool,
        backend,
        std::sync::Arc::new(search),
        serve.match_weights,
    )
    .with_trusted_proxies(serve.trusted_proxies)
    .with_metrics_token(serve.metrics_token.as_deref());
    actix_web::rt::System::new().block_on(async move {
        startup::server(listener, state, serve.workers)?
            .await
            .context("running the HTTP server")
    })
}

fn migrate(settings: &Settings, args: &MigrateArgs) -> anyhow::Result<()> {
    if args.revert_all {
        let mut connection = db::establish(&settings.database_url)?;
        let reverted =
            migrations::revert_all(&mut connection).map_err(|error| anyhow::anyhow!("{error}"))?;
        println!(
            "Reverted {} migrations on {}.",
            reverted.len(),
            settings.database_url
        );
        return Ok(());
    }
    let mut connection = startup::open_and_migrate(settings)?;
    let version =
        migrations::schema_version(&mut connection).map_err(|error| anyhow::anyhow!("{error}"))?;
    println!(
        "{} is at schema version {}.",
        settings.database_url,
        version.unwrap_or_default()
    );
    Ok(())
}

fn run_demo(settings: &Settings, args: &DemoArgs) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let started = Instant::now();
    let options = DemoOptions {
        workers: args.workers,
        seed: args.seed,
        show_progress: std::io::stderr().is_terminal(),
    };
    let summary = demo::generate(&mut connection, options)?;
    // The demo bypassed the change log: the next start indexes everything afresh.
    index::invalidate(&settings.index_dir)?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!(
            "Demo province (seed {}) loaded into {} in {seconds:.1} s: {} households, {} workers, {} employers, {} vacancies, {} courses, {} enrolments, {} referrals, {} placements, {} follow-ups, {} service records.",
            args.seed,
            settings.database_url,
            summary.households,
            summary.workers,
            summary.employers,
            summary.vacancies,
            summary.courses,
            summary.enrollments,
            summary.referrals,
            summary.placements,
            summary.follow_ups,
            summary.service_records
        );
        println!(
            "Demo login: {} / {}",
            demo::DEMO_ADMIN_EMAIL,
            demo::DEMO_PASSWORD
        );
    }
    Ok(())
}

fn area(settings: &Settings, command: AreaCommand) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let (codes, flag, value) = match command {
        AreaCommand::List { kind, poor } => {
            for unit in admin_units::list(&mut connection, &kind, poor)? {
                let valid_to = unit.valid_to.map(|day| day.to_string()).unwrap_or_default();
                let flags: Vec<&str> = [
                    (unit.poor_area, AreaFlag::Poor),
                    (unit.difficult_area, AreaFlag::Difficult),
                ]
                .into_iter()
                .filter(|(set, _)| *set)
                .map(|(_, flag)| flag.as_str())
                .collect();
                println!(
                    "{}\t{}\t{}\t{}..{}\t{}",
                    unit.code,
                    unit.name,
                    unit.unit_type,
                    unit.valid_from,
                    valid_to,
                    flags.join(",")
                );
            }
            return Ok(());
        }
        AreaCommand::SetPoor { codes, clear } => (codes, AreaFlag::Poor, !clear),
        AreaCommand::SetDifficult { codes, clear } => (codes, AreaFlag::Difficult, !clear),
    };
    // Training counts by the poor-area flag of the commune at enrolment, and the area workers'
    // rates by either flag of where they live: recount, in the same transaction.
    let (changed, done) = connection.write_transaction(|connection| {
        let changed = admin_units::set_flag(connection, &codes, flag, value)?;
        let done = crate::progress::facts::rebuild(connection, &mut |_| {})?;
        anyhow::Ok((changed, done))
    })?;
    eprintln!("Progress facts recounted: {} facts.", done.facts);
    let (now, no_longer) = match flag {
        AreaFlag::Poor => ("is now a poor area", "is no longer a poor area"),
        AreaFlag::Difficult => ("is now a difficult area", "is no longer a difficult area"),
    };
    for unit in changed {
        let state = if value { now } else { no_longer };
        println!(
            "{} {} ({}, from {}) {state}",
            unit.code, unit.name, unit.unit_type, unit.valid_from
        );
    }
    Ok(())
}

fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            email,
            role,
            employer_id,
            worker_id,
            area,
            password_stdin: _,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("unknown role `{role}`: use admin, staff, employer or trainee")
            })?;
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            let mut connection = startup::open_and_migrate(settings)?;
            let user = accounts::create_user(
                &mut connection,
                CreateUser {
                    email,
                    role,
                    employer_id,
                    worker_id,
                    area_code: area,
                    password,
                },
            )?;
            println!(
                "Created {} login {} (id {}).",
                user.role, user.email, user.id
            );
            Ok(())
        }
    }
}
