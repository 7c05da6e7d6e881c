//! What operators watch: requests by route and status with their latency, the outbox's queue
//! and failures, how far the search index lags behind the change log, and import jobs, as
//! `GET /metrics` in the Prometheus text format (OpenMetrics). Request figures are this
//! server's since it started; the rest are read from the database at each scrape, so every
//! server reports the same.

use std::fmt::Write as _;

use diesel::prelude::*;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::db::DbConn;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's pattern (`/api/v1/workers/{id}`), never the address as sent: ids and
    /// query strings would make a series per record.
    route: String,
    method: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 4 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

/// The request figures of one server.
pub struct Metrics {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
        }
    }
}

/// What the database says at a scrape.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Outbox messages by status (`pending`, `sent`, `failed` …).
    pub outbox: Vec<(String, i64)>,
    /// The newest change in the log, and the newest the index has applied.
    pub newest_change: i64,
    pub applied_change: i64,
    /// Import jobs by status.
    pub import_jobs: Vec<(String, i64)>,
}

/// Reads the [`Snapshot`]; `applied_change` is the index's, read by the caller.
pub fn snapshot(connection: &mut DbConn, applied_change: i64) -> QueryResult<Snapshot> {
    Ok(Snapshot {
        outbox: crate::mail::outbox::count_by_status(connection)?,
        newest_change: crate::models::search_changes::newest_id(connection)?,
        applied_change,
        import_jobs: crate::models::import_jobs::count_by_status(connection)?,
    })
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status: status.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Every figure in the text format.
    pub fn render(&self, snapshot: &Snapshot) -> Result<String, std::fmt::Error> {
        let mut registry = Registry::with_prefix("ketnoi");
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            self.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern",
            self.latency.clone(),
        );
        let outbox = Family::<StatusLabels, Gauge>::default();
        // Every status is shown, at 0 when none has it, so an alert on failures has a series.
        for status in ["pending", "sent", "failed"] {
            outbox
                .get_or_create(&StatusLabels {
                    status: status.to_owned(),
                })
                .set(0);
        }
        for (status, count) in &snapshot.outbox {
            outbox
                .get_or_create(&StatusLabels {
                    status: status.clone(),
                })
                .set(*count);
        }
        registry.register(
            "outbox_messages",
            "Messages in the outbox by status: pending is the queue, failed gave up",
            outbox,
        );
        let lag = Gauge::<i64>::default();
        lag.set((snapshot.newest_change - snapshot.applied_change).max(0));
        registry.register(
            "search_index_lag_changes",
            "Changes in the log this server's search index has not applied yet",
            lag,
        );
        let jobs = Family::<StatusLabels, Gauge>::default();
        for status in ["running", "done", "failed"] {
            jobs.get_or_create(&StatusLabels {
                status: status.to_owned(),
            })
            .set(0);
        }
        for (status, count) in &snapshot.import_jobs {
            jobs.get_or_create(&StatusLabels {
                status: status.clone(),
            })
            .set(*count);
        }
        registry.register(
            "import_jobs",
            "Import jobs kept (a day after they end), by status",
            jobs,
        );
        let mut text = String::new();
        encode(&mut text, &registry)?;
        Ok(text)
    }
}

/// The line an access log keeps of a request: its method, path (never the query string, which
/// holds searched names and CCCDs), status and time. Bodies are never logged.
pub fn access_line(method: &str, path: &str, status: u16, seconds: f64) -> String {
    let mut line = String::with_capacity(64);
    let _ = write!(line, "{method} {path} {status} {:.1}ms", seconds * 1000.0);
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_requests_latency_and_database_figures() -> Result<(), std::fmt::Error> {
        let metrics = Metrics::default();
        metrics.observe("/api/v1/workers/{id}", "GET", 200, 0.002);
        metrics.observe("/api/v1/workers/{id}", "GET", 404, 0.001);
        let text = metrics.render(&Snapshot {
            outbox: vec![("pending".into(), 3), ("failed".into(), 1)],
            newest_change: 120,
            applied_change: 100,
            import_jobs: vec![("running".into(), 1)],
        })?;
        assert!(text.contains(
            "ketnoi_http_requests_total{route=\"/api/v1/workers/{id}\",method=\"GET\",status=\"404\"} 1"
        ));
        assert!(text.contains(
            "ketnoi_http_request_duration_seconds_count{route=\"/api/v1/workers/{id}\"} 2"
        ));
        assert!(text.contains("ketnoi_outbox_messages{status=\"pending\"} 3"));
        assert!(text.contains("ketnoi_search_index_lag_changes 20"));
        assert!(text.contains("ketnoi_import_jobs{status=\"running\"} 1"));
        Ok(())
    }

    #[test]
    fn the_access_line_has_no_query_string() {
        assert_eq!(
            access_line("GET", "/workers", 200, 0.0042),
            "GET /workers 200 4.2ms"
        );
    }
}
