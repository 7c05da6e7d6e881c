//! `ketnoi bench soak`: the default deployment under ordinary work for minutes on end. The
//! real server runs on a loopback port over the database given (a demo province is generated
//! into an empty one); clients, each on its own thread, mix registering workers, searching,
//! matching vacancies, referring the best candidate and hiring. It reports requests per second,
//! latency percentiles, the 5xx answers, and whether every write the server acknowledged is in
//! the database at the end. One JSON line.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::search::{ensure_demo, percentile, round};
use crate::accounts::{self, CreateUser, Role};
use crate::config::Settings;
use crate::db::DbConn;
use crate::models;
use crate::search::SearchIndex;
use crate::startup;
use crate::state::AppState;

pub struct SoakBench {
    pub workers: u64,
    pub clients: usize,
    pub seconds: u64,
}

const SOAK_EMAIL: &str = "soak@ketnoi.bench";
const SOAK_PASSWORD: &str = "soak-bench-password";
const SEARCHES: [&str; 6] = [
    "lo thi",
    "ha van",
    "cong nhan may",
    "lò văn",
    "quang",
    "thai",
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
enum Operation {
    Create,
    Search,
    Match,
    Refer,
    Hire,
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    times: BTreeMap<Operation, Vec<Duration>>,
    statuses: BTreeMap<u16, u64>,
    /// Workers whose creation was answered 201.
    acknowledged: Vec<String>,
    /// Referrals answered 201 (all of them, and those not hired yet), and hires answered 200.
    referrals_made: Vec<String>,
    referred: Vec<String>,
    hired: Vec<String>,
    failures: u64,
}

#[derive(Serialize)]
struct OperationLine {
    requests: usize,
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Serialize)]
struct SoakLine {
    bench: &'static str,
    backend: &'static str,
    workers: i64,
    clients: usize,
    seconds: f64,
    requests: u64,
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    status_5xx: u64,
    transport_failures: u64,
    statuses: BTreeMap<u16, u64>,
    operations: BTreeMap<Operation, OperationLine>,
    acknowledged_creates: usize,
    acknowledged_referrals: usize,
    acknowledged_hires: usize,
    lost_acknowledged_writes: usize,
}

pub fn run(settings: &Settings, options: &SoakBench) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let n_workers = ensure_demo(&mut connection, options.workers, "soak")?;
    if models::users::find_by_email(&mut connection, SOAK_EMAIL)?.is_none() {
        accounts::create_user(
            &mut connection,
            CreateUser {
                email: SOAK_EMAIL.to_owned(),
                role: Role::Staff,
                employer_id: None,
                worker_id: None,
                area_code: None,
                password: SOAK_PASSWORD.to_owned(),
            },
        )?;
    }
    let open = models::vacancies::open_ids(&mut connection)?;
    anyhow::ensure!(!open.is_empty(), "the database has no open vacancies");
    let backend = connection.backend();

    let address = serve(settings, backend)?;
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let token = sign_in(&client, &address)?;
    eprintln!(
        "soak: {} clients for {} s against {n_workers} workers on {}",
        options.clients,
        options.seconds,
        backend.name()
    );

    let open = Arc::new(open);
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let handles: Vec<_> = (0..options.clients)
        .map(|number| {
            let (client, address, token, open) =
                (client.clone(), address.clone(), token.clone(), open.clone());
            std::thread::spawn(move || {
                soak_client(number, &client, &address, &token, &open, deadline)
            })
        })
        .collect();
    let seen = gather(handles)?;
    let elapsed = started.elapsed().as_secs_f64();

    let lost = lost_writes(&mut connection, &seen)?;
    let mut seen = seen;
    let mut all: Vec<Duration> = seen.times.values().flatten().copied().collect();
    all.sort();
    let requests = all.len() as u64;
    let operations = seen
        .times
        .iter_mut()
        .map(|(operation, times)| {
            times.sort();
            (
                *operation,
                OperationLine {
                    requests: times.len(),
                    p50_ms: round(percentile(times, 0.50)),
                    p99_ms: round(percentile(times, 0.99)),
                },
            )
        })
        .collect();
    let line = SoakLine {
        bench: "soak",
        backend: backend.name(),
        workers: n_workers,
        clients: options.clients,
        seconds: round(elapsed),
        requests,
        requests_per_second: round(requests as f64 / elapsed),
        p50_ms: round(percentile(&all, 0.50)),
        p99_ms: round(percentile(&all, 0.99)),
        status_5xx: seen
            .statuses
            .iter()
            .filter(|(status, _)| **status >= 500)
            .map(|(_, count)| count)
            .sum(),
        transport_failures: seen.failures,
        statuses: seen.statuses,
        operations,
        acknowledged_creates: seen.acknowledged.len(),
        acknowledged_referrals: seen.referrals_made.len(),
        acknowledged_hires: seen.hired.len(),
        lost_acknowledged_writes: lost,
    };
    println!("{}", serde_json::to_string(&line)?);
    Ok(())
}

/// A server on a free loopback port, on its own thread; answers its address.
fn serve(settings: &Settings, backend: crate::db::Backend) -> anyhow::Result<String> {
    let (pool, _) = startup::build_pool(settings)?;
    let search = Arc::new(SearchIndex::open(&settings.index_dir, pool.clone(), true)?);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let state = AppState::new(pool, backend, search, Default::default());
    std::thread::spawn(move || {
        let system = actix_web::rt::System::new();
        let _ = system.block_on(async move {
            match startup::server(listener, state, None) {
                Ok(server) => server.await,
                Err(error) => Err(error),
            }
        });
    });
    Ok(address)
}

/// What every client saw, together.
fn gather(handles: Vec<std::thread::JoinHandle<Seen>>) -> anyhow::Result<Seen> {
    let mut seen = Seen::default();
    for handle in handles {
        let one = handle
            .join()
            .map_err(|_| anyhow::anyhow!("a soak client panicked"))?;
        for (operation, times) in one.times {
            seen.times.entry(operation).or_default().extend(times);
        }
        for (status, count) in one.statuses {
            *seen.statuses.entry(status).or_default() += count;
        }
        seen.acknowledged.extend(one.acknowledged);
        seen.referrals_made.extend(one.referrals_made);
        seen.referred.extend(one.referred);
        seen.hired.extend(one.hired);
        seen.failures += one.failures;
    }
    Ok(seen)
}

/// Acknowledged writes (workers created, referrals made, hires) missing from the database.
fn lost_writes(connection: &mut DbConn, seen: &Seen) -> anyhow::Result<usize> {
    let workers = models::workers::count_existing(connection, &seen.acknowledged)?;
    let referrals = models::referrals::count_existing(connection, &seen.referrals_made)?;
    let hires = models::placements::count_of_referrals(connection, &seen.hired)?;
    Ok(
        (seen.acknowledged.len() - workers.min(seen.acknowledged.len()))
            + (seen.referrals_made.len() - referrals.min(seen.referrals_made.len()))
            + (seen.hired.len() - hires.min(seen.hired.len())),
    )
}

fn sign_in(client: &reqwest::blocking::Client, address: &str) -> anyhow::Result<String> {
    let answer: serde_json::Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": SOAK_EMAIL, "password": SOAK_PASSWORD}))
        .send()?
        .error_for_status()?
        .json()?;
    answer["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("sign-in answered no token"))
}

/// One client's loop: 30 % creates, 25 % searches, 20 % matches, 15 % referrals, 10 % hires.
fn soak_client(
    number: usize,
    client: &reqwest::blocking::Client,
    address: &str,
    token: &str,
    open: &[String],
    deadline: Instant,
) -> Seen {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(number as u64);
    let mut seen = Seen::default();
    let mut created = 0_u32;
    let send = |seen: &mut Seen,
                operation: Operation,
                request: reqwest::blocking::RequestBuilder|
     -> Option<(u16, serde_json::Value)> {
        let begun = Instant::now();
        match request.bearer_auth(token).send() {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.json().unwrap_or(serde_json::Value::Null);
                seen.times
                    .entry(operation)
                    .or_default()
                    .push(begun.elapsed());
                *seen.statuses.entry(status).or_default() += 1;
                Some((status, body))
            }
            Err(_) => {
                seen.failures += 1;
                None
            }
        }
    };
    while Instant::now() < deadline {
        let roll: u32 = rng.random_range(0..100);
        let vacancy = &open[rng.random_range(0..open.len())];
        if roll < 30 {
            created += 1;
            let body = serde_json::json!({
                "full_name": "Lò Thị Ỏn", "national_id": format!("09{number:03}{created:07}"),
                "birth_date": "1996-03-14", "gender": "female", "ethnicity_code": "03",
                "phone": "0912345678", "commune_code": "03646", "skills": "may công nghiệp",
                "desired_occupations": ["8153"], "availability": "seeking", "consent_to_share": true
            });
            if let Some((201, answer)) = send(
                &mut seen,
                Operation::Create,
                client.post(format!("{address}/api/v1/workers")).json(&body),
            ) && let Some(id) = answer["id"].as_str()
            {
                seen.acknowledged.push(id.to_owned());
            }
        } else if roll < 55 {
            let query = SEARCHES[rng.random_range(0..SEARCHES.len())];
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("q", query)
                .append_pair("limit", "20")
                .finish();
            // The registry's name search and the index's full-text search, in turn.
            let path = if roll.is_multiple_of(2) {
                format!("{address}/api/v1/workers?{query}")
            } else {
                format!("{address}/api/v1/search?kind=workers&{query}")
            };
            send(&mut seen, Operation::Search, client.get(path));
        } else if roll < 75 {
            send(
                &mut seen,
                Operation::Match,
                client.get(format!("{address}/api/v1/vacancies/{vacancy}/matches")),
            );
        } else if roll < 90 {
            let candidate = send(
                &mut seen,
                Operation::Match,
                client.get(format!("{address}/api/v1/vacancies/{vacancy}/matches")),
            )
            .and_then(|(_, body)| body["items"][0]["worker_id"].as_str().map(str::to_owned));
            if let Some(worker_id) = candidate
                && let Some((201, answer)) = send(
                    &mut seen,
                    Operation::Refer,
                    client
                        .post(format!("{address}/api/v1/referrals"))
                        .json(&serde_json::json!({"vacancy_id": vacancy, "worker_id": worker_id})),
                )
                && let Some(id) = answer["id"].as_str()
            {
                seen.referrals_made.push(id.to_owned());
                seen.referred.push(id.to_owned());
            }
        } else if let Some(referral) = seen.referred.pop()
            && let Some((200, _)) = send(
                &mut seen,
                Operation::Hire,
                client
                    .patch(format!("{address}/api/v1/referrals/{referral}"))
                    .json(&serde_json::json!({"status": "hired"})),
            )
        {
            seen.hired.push(referral);
        }
    }
    seen
}
