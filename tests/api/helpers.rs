//! Fresh databases per test on each backend, and the real app on port 0.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Once;

use ketnoi::config::Settings;
use ketnoi::db::{DatabaseUrl, DbConn};
use ketnoi::proxies::TrustedProxies;
use ketnoi::startup;
use ketnoi::state::AppState;
use tempfile::TempDir;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A database of its own for one test: a SQLite file in a temporary folder, or a PostgreSQL
/// database created on the server of `TEST_DATABASE_URL` and dropped afterwards.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub folder: TempDir,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    postgres: Option<PostgresDatabase>,
}

#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
struct PostgresDatabase {
    server_url: String,
    name: String,
}

impl TestDb {
    pub fn backend_name(&self) -> &'static str {
        self.url.backend().name()
    }

    pub fn settings(&self) -> Settings {
        Settings::new(self.url.clone(), self.index_dir())
    }

    pub fn index_dir(&self) -> PathBuf {
        self.folder.path().join("search_index")
    }

    /// A raw URL for the `ketnoi` binary's `DATABASE_URL`.
    pub fn raw_url(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => url.clone(),
        }
    }

    /// A connection with migrations applied and reference data loaded.
    pub fn migrated(&self) -> Result<DbConn, Box<dyn std::error::Error>> {
        Ok(startup::open_and_migrate(&self.settings())?)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        if let Some(database) = &self.postgres {
            use diesel::{Connection, RunQueryDsl};
            if let Ok(mut server) = diesel::pg::PgConnection::establish(&database.server_url) {
                let _ = diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    database.name
                ))
                .execute(&mut server);
            }
        }
    }
}

pub fn sqlite_db() -> TestDb {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("ketnoi.sqlite3");
    TestDb {
        url: DatabaseUrl::Sqlite { path },
        folder,
        postgres: None,
    }
}

static SKIP_NOTICE: Once = Once::new();

/// A fresh PostgreSQL database, or `None` (with the reason printed once) when the suite has
/// no server to use.
pub fn postgres_db() -> Option<TestDb> {
    let Ok(server_url) = std::env::var("TEST_DATABASE_URL") else {
        SKIP_NOTICE
            .call_once(|| eprintln!("skipping PostgreSQL tests: TEST_DATABASE_URL is not set"));
        return None;
    };
    postgres_db_on(&server_url)
}

#[cfg(feature = "postgres")]
fn postgres_db_on(server_url: &str) -> Option<TestDb> {
    use diesel::{Connection, RunQueryDsl};
    let name = format!("ketnoi_test_{}", uuid::Uuid::now_v7().simple());
    let mut server =
        diesel::pg::PgConnection::establish(server_url).expect("connect to TEST_DATABASE_URL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut server)
        .expect("create a test database");
    let url = with_database_name(server_url, &name);
    Some(TestDb {
        url: DatabaseUrl::parse(&url).expect("test database URL"),
        folder: tempfile::tempdir().expect("temporary folder"),
        postgres: Some(PostgresDatabase {
            server_url: server_url.to_owned(),
            name,
        }),
    })
}

#[cfg(not(feature = "postgres"))]
fn postgres_db_on(_server_url: &str) -> Option<TestDb> {
    SKIP_NOTICE
        .call_once(|| eprintln!("skipping PostgreSQL tests: built without `--features postgres`"));
    None
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
fn with_database_name(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server_url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |index| index + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |index| scheme_end + index);
    format!("{}/{name}{query}", &base[..authority_end])
}

/// A fresh database on every backend this run can reach: SQLite always, PostgreSQL when
/// configured. Tests loop over it so one test body covers both.
pub fn test_dbs() -> Vec<TestDb> {
    let mut databases = vec![sqlite_db()];
    databases.extend(postgres_db());
    databases
}

pub struct TestApp {
    pub address: String,
    /// The server's search index: tests call `sync()` to apply pending changes instead of
    /// waiting.
    pub search: std::sync::Arc<ketnoi::search::SearchIndex>,
    /// Kept so the database outlives the server.
    #[allow(dead_code)]
    pub db: TestDb,
}

/// Migrates `db` and runs the real HTTP app on a free port, on a thread of its own.
pub fn spawn_app(db: TestDb) -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_with(db, TrustedProxies::default())
}

/// [`spawn_app`] behind reverse proxies: `X-Forwarded-For` from `proxies` names the client.
pub fn spawn_app_with(
    db: TestDb,
    proxies: TrustedProxies,
) -> Result<TestApp, Box<dyn std::error::Error>> {
    let settings = db.settings();
    drop(startup::open_and_migrate(&settings)?);
    let (address, search) = serve(&settings, proxies)?;
    Ok(TestApp {
        address,
        search,
        db,
    })
}

/// A server of its own (its own pool and index folder) on the database `settings` name.
fn serve(
    settings: &Settings,
    proxies: TrustedProxies,
) -> Result<(String, std::sync::Arc<ketnoi::search::SearchIndex>), Box<dyn std::error::Error>> {
    startup::check_index_dir(&settings.index_dir)?;
    let (pool, backend) = startup::build_pool(settings)?;
    let search = std::sync::Arc::new(ketnoi::search::SearchIndex::open(
        &settings.index_dir,
        pool.clone(),
        false,
    )?);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let shared = search.clone();
    std::thread::spawn(move || {
        let state =
            AppState::new(pool, backend, shared, Default::default()).with_trusted_proxies(proxies);
        let system = actix_web::rt::System::new();
        let _ = system.block_on(async move {
            match startup::server(listener, state, Some(1)) {
                Ok(server) => server.await,
                Err(error) => Err(error),
            }
        });
    });
    Ok((address, search))
}

impl TestApp {
    /// `path` on the server at `address` (a sibling's).
    pub fn url_on(address: &str, path: &str) -> String {
        format!("{address}{path}")
    }

    /// A second server on the same database, as a province runs several behind a balancer.
    /// Returns its address.
    pub fn sibling(&self) -> Result<String, Box<dyn std::error::Error>> {
        self.sibling_with(TrustedProxies::default())
    }

    /// [`TestApp::sibling`] behind reverse proxies.
    pub fn sibling_with(
        &self,
        proxies: TrustedProxies,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let mut settings = self.db.settings();
        settings.index_dir = self
            .db
            .folder
            .path()
            .join(format!("search_index_{}", uuid::Uuid::now_v7().simple()));
        Ok(serve(&settings, proxies)?.0)
    }
}

#[test]
fn replaces_the_database_name_in_a_server_url() {
    assert_eq!(
        with_database_name("postgres://u@h:5/postgres", "t1"),
        "postgres://u@h:5/t1"
    );
    assert_eq!(
        with_database_name("postgres://u:p@h/postgres?sslmode=disable", "t1"),
        "postgres://u:p@h/t1?sslmode=disable"
    );
    assert_eq!(
        with_database_name("postgresql://h", "t1"),
        "postgresql://h/t1"
    );
}

/// A blocking HTTP client aimed at a running app.
impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Creates a login directly in the database and signs in over HTTP; returns the token.
    pub fn sign_in_as(
        &self,
        email: &str,
        role: &str,
        link: Link,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let mut connection = self.db.migrated()?;
        let (employer_id, worker_id, area_code) = match link {
            Link::None => (None, None, None),
            Link::Employer(id) => (Some(id), None, None),
            Link::Worker(id) => (None, Some(id), None),
            Link::Area(code) => (None, None, Some(code)),
        };
        ketnoi::accounts::create_user(
            &mut connection,
            ketnoi::accounts::CreateUser {
                email: email.to_owned(),
                role: ketnoi::accounts::Role::parse(role).ok_or("role")?,
                employer_id,
                worker_id,
                area_code,
                password: PASSWORD.to_owned(),
            },
        )?;
        self.login(email, PASSWORD)
    }

    pub fn login(&self, email: &str, password: &str) -> Result<String, Box<dyn std::error::Error>> {
        let response = client()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()?;
        if response.status() != 200 {
            return Err(format!("login of {email} answered {}", response.status()).into());
        }
        let body: serde_json::Value = response.json()?;
        Ok(body["token"].as_str().ok_or("no token")?.to_owned())
    }

    pub fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<Answer, Box<dyn std::error::Error>> {
        let mut request = client().get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send()?)
    }

    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Answer, Box<dyn std::error::Error>> {
        let mut request = client().request(method, self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send()?)
    }

    pub fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Answer, Box<dyn std::error::Error>> {
        self.send(reqwest::Method::POST, path, token, body)
    }

    pub fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Answer, Box<dyn std::error::Error>> {
        self.send(reqwest::Method::PATCH, path, token, body)
    }

    pub fn delete(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<Answer, Box<dyn std::error::Error>> {
        let mut request = client().delete(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send()?)
    }
}

pub const PASSWORD: &str = "mật khẩu đủ dài 2026";

/// What a test login is tied to.
pub enum Link {
    None,
    Employer(String),
    Worker(String),
    Area(String),
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

/// A response read whole: status, headers and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn from(
        response: reqwest::blocking::Response,
    ) -> Result<Answer, Box<dyn std::error::Error>> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text()?;
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text)?
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The `(field, code)` pairs of a validation problem.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|error| {
                        (
                            error["field"].as_str().unwrap_or("").to_owned(),
                            error["code"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A valid worker body to vary.
pub fn worker_body(national_id: &str, commune_code: &str) -> serde_json::Value {
    serde_json::json!({
        "full_name": "Lò Thị Ỏn",
        "national_id": national_id,
        "birth_date": "1995-04-12",
        "gender": "female",
        "ethnicity_code": "03",
        "phone": "0912345678",
        "email": "lothion@example.vn",
        "commune_code": commune_code,
        "education_level": "lower_secondary",
        "skills": "may công nghiệp",
        "desired_occupations": ["8153"],
        "willing_to_relocate": true,
        "willing_overseas": false,
        "expected_wage_vnd": 6000000,
        "availability": "seeking",
        "consent_to_share": true
    })
}

/// A tea-processing course starting in January 2027 with `capacity` seats; its id.
pub fn tea_course(
    app: &TestApp,
    staff: &str,
    capacity: i64,
) -> Result<String, Box<dyn std::error::Error>> {
    let course = app.post(
        "/api/v1/courses",
        Some(staff),
        &serde_json::json!({
            "provider": "Trường Cao đẳng Sơn La", "title": "Kỹ thuật chế biến chè",
            "leads_to": ["8153"], "level": "under_3_months", "commune_code": "03646",
            "starts_on": "2027-01-04", "ends_on": "2027-03-04", "capacity": capacity
        }),
    )?;
    if course.status != 201 {
        return Err(format!("course: {} {:?}", course.status, course.body).into());
    }
    Ok(course.body["id"].as_str().ok_or("course id")?.to_owned())
}

/// The Python that runs a test's server from PyPI: `KETNOI_TEST_PYTHON` (`.ci/run` sets it), or
/// `python3` when it has `module`; none (the tests skip, saying so) otherwise.
pub fn test_python(module: &str, tests: &str) -> Option<String> {
    if let Ok(python) = std::env::var("KETNOI_TEST_PYTHON") {
        return Some(python);
    }
    let found = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        eprintln!(
            "skipping the {tests} tests: no python3 with {module} (set KETNOI_TEST_PYTHON to one)"
        );
    }
    found.then(|| "python3".to_owned())
}

/// A test's server process from `tests/support/SCRIPT PORT FOLDER`, once it printed "ready";
/// its standard input stays open (closing it stops the server) and it is stopped when dropped.
pub struct PythonServer {
    child: std::process::Child,
    pub stdin: Option<std::process::ChildStdin>,
    pub stdout: std::io::BufReader<std::process::ChildStdout>,
    pub folder: tempfile::TempDir,
}

impl PythonServer {
    pub fn start(
        python: &str,
        script: &str,
        port: u16,
    ) -> Result<PythonServer, Box<dyn std::error::Error>> {
        use std::io::BufRead;
        let folder = tempfile::tempdir()?;
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/support")
            .join(script);
        let mut child = std::process::Command::new(python)
            .arg(&script)
            .arg(port.to_string())
            .arg(folder.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut stdout = std::io::BufReader::new(stdout);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        if line.trim() != "ready" {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} did not start: {line:?}", script.display()).into());
        }
        Ok(PythonServer {
            child,
            stdin,
            stdout,
            folder,
        })
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
