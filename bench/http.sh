#!/usr/bin/env bash
# The HTTP path under load: a real `ketnoi serve` (release build) over the database and index
# named by DATABASE_URL and KETNOI_INDEX_DIR (load a demo into them first: `ketnoi demo
# --workers 120000`), driven by wrk (Debian's package) with an admin token. One JSON line per
# endpoint and concurrency: requests a second, p50 and p99, errors (non-2xx answers count), the
# server's peak resident memory so far, and the audit log's growth per request (storage of the
# audit tables before and after the run, read with the sqlite3 or psql client when installed).
#
#   bench/http.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
connections="${2:-64}"
binary="${KETNOI_BINARY:-target/release/ketnoi}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
: "${DATABASE_URL:?set DATABASE_URL to the demo database}"
port=18380
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
log="$(mktemp /tmp/ketnoi-http.XXXXXX)"
RUST_LOG=warn "$binary" serve --bind "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
email="${KETNOI_BENCH_EMAIL:-admin@ketnoi.demo}"
password="${KETNOI_BENCH_PASSWORD:-ketnoi-demo}"
token="$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"$password\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
base="http://127.0.0.1:$port"
vacancy="$(curl -fsS "$base/api/v1/vacancies?limit=1&status=open" -H "Authorization: Bearer $token" |
    python3 -c 'import json, sys; body = json.load(sys.stdin); items = body["items"] if isinstance(body, dict) else body; print(items[0]["id"])')"
# Bytes the audit tables take now (0 when no client can tell).
audit_bytes() {
    case "$DATABASE_URL" in
    sqlite://*)
        command -v sqlite3 >/dev/null || { echo 0; return; }
        sqlite3 "${DATABASE_URL#sqlite://}" \
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'audit%'" 2>/dev/null || echo 0
        ;;
    postgres://* | postgresql://*)
        command -v psql >/dev/null || { echo 0; return; }
        psql "$DATABASE_URL" -Atc "SELECT pg_total_relation_size('audit_log')
            + coalesce(pg_total_relation_size(to_regclass('audit_subjects')), 0)" 2>/dev/null || echo 0
        ;;
    *) echo 0 ;;
    esac
}
run() {
    local name="$1" path="$2" conns="$3" script="${4:-bench/report.lua}"
    local line before after requests
    local threads=2
    [ "$conns" -ge 2 ] || threads=1
    before="$(audit_bytes)"
    line="$(wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
        -s "$script" "$base$path" | tail -1)"
    after="$(audit_bytes)"
    requests="$(sed -E 's/.*"requests": ([0-9]+).*/\1/' <<<"$line")"
    local rss
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$server/status")"
    printf '{"endpoint": "%s", "connections": %s, "peak_rss_mib": %d, "audit_bytes_per_request": %d, %s\n' \
        "$name" "$conns" "$((rss / 1024))" "$(((after - before) / (requests > 0 ? requests : 1)))" "${line#\{}"
}
run "search workers" "/api/v1/search?kind=workers&q=cong%20nhan%20may" "$connections"
districts="$(curl -fsS "$base/api/v1/search?kind=workers&q=may" -H "Authorization: Bearer $token" |
    python3 -c 'import json, sys; print(",".join(f["value"] for f in json.load(sys.stdin)["facets"]["district"]))')"
KETNOI_DISTRICTS="$districts" run "search workers, varied" "/" "$connections" bench/varied.lua
run "search courses" "/api/v1/search?kind=courses&q=may" "$connections"
run "vacancy matches" "/api/v1/vacancies/$vacancy/matches" "$connections"
run "workers page" "/api/v1/workers?limit=20" 1
run "progress" "/api/v1/progress?period=2021-2025" 1
