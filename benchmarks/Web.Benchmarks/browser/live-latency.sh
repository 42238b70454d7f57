#!/usr/bin/env bash
# Emission to pixels: starts the dashboard (./scripts/start, fresh data folder, its one local worker) and WORKERS-1
# more workers on its database, then live-latency.mjs for each CASES entry "runs:steps" (runs queued as one sweep,
# the first one's page watched); prints the load average beside each table (the machine may be shared). Stops what
# it started.
#   WORKERS=20 CASES="1:80 20:80 20:200" INTERVAL=0.25 WARMUP=15 benchmarks/Web.Benchmarks/browser/live-latency.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
workers=${WORKERS:-1}; port=${PORT:-5391}
data=$(mktemp -d /tmp/live-latency-XXXXXX); chmod 755 "$data" # PostgreSQL runs as its own account
started=()
stop() { for pid in "${started[@]}"; do kill -- "-$pid" 2>/dev/null || true; done; }
trap stop EXIT
PORT=$port Dashboard__DataDirectory="$data" setsid ./scripts/start >"$data/app.log" 2>&1 &
started+=($!)
until grep -q "Dashboard ready" "$data/app.log"; do kill -0 "${started[0]}" 2>/dev/null || { cat "$data/app.log"; exit 1; }; sleep 2; done
admin="$data/first-admin.txt"
password=$(sed -n 's/^password: *//p' "$admin")
token=$(grep -o 'dsh_[A-Za-z0-9_-]*' "$admin" | head -1)
if (( workers > 1 )); then
    pg=$(find "$data" -name postmaster.pid | head -1)
    connection="Host=127.0.0.1;Port=$(sed -n 4p "$pg");Username=postgres;Password=$(cat "$(find "$data" -name superuser.password | head -1)");Database=dashboard"
    for i in $(seq 2 "$workers"); do
        ConnectionStrings__Dashboard="$connection" Dashboard__ArtifactsDirectory="$data/artifacts" \
            setsid dotnet out/worker/Dashboard.Worker.dll --device cpu --name "bench-$i" >"$data/worker-$i.log" 2>&1 &
        started+=($!)
    done
    sleep 20 # the workers' start-up (JIT) is not what is measured
fi
for case in ${CASES:-1:80}; do
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    DASHBOARD_URL="http://127.0.0.1:$port" DASHBOARD_USER=admin DASHBOARD_PASSWORD="$password" DASHBOARD_TOKEN="$token" \
        RUNS=${case%%:*} STEPS=${case##*:} INTERVAL=${INTERVAL:-0.25} WARMUP=${WARMUP:-0} node --experimental-websocket benchmarks/Web.Benchmarks/browser/live-latency.mjs
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
