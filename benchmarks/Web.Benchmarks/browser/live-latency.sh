#!/usr/bin/env bash
# Emission to pixels: starts the dashboard (./scripts/start, fresh data folder, its one local worker) and WORKERS-1
# more workers on its database, then live-latency.mjs for each CASES entry "runs:steps" (runs queued as one sweep,
# the first one's page watched); prints the load average beside each table (the machine may be shared). Stops what
# it started.
#   WORKERS=20 CASES="1:80 20:80 20:200" INTERVAL=0.25 WARMUP=15 benchmarks/Web.Benchmarks/browser/live-latency.sh
# LOADGEN=1: the runs are trained "elsewhere": for each case, one LiveLoad.Benchmarks process stands for as many remote
# GPU workers as the case has runs (the worker's own loop, lease, heartbeat and metric batcher, writing through
# MetricWriter; the script's lines are emitted in-process, no shell per run), and the runs are queued for "cuda" so the
# dashboard's local CPU worker takes none. WORKERS is then ignored.
#   LOADGEN=1 CASES="1:80 20:80" INTERVAL=0.25 WARMUP=15 benchmarks/Web.Benchmarks/browser/live-latency.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
workers=${WORKERS:-1}; port=${PORT:-5391}
loadgen=${LOADGEN:-0}
if (( loadgen )); then
    workers=1
    dotnet build benchmarks/LiveLoad.Benchmarks -c Release -o out/liveload --nologo -v quiet
fi
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
pg=$(find "$data" -name postmaster.pid | head -1)
connection="Host=127.0.0.1;Port=$(sed -n 4p "$pg");Username=postgres;Password=$(cat "$(find "$data" -name superuser.password | head -1)");Database=dashboard"
if (( workers > 1 )); then
    for i in $(seq 2 "$workers"); do
        ConnectionStrings__Dashboard="$connection" Dashboard__ArtifactsDirectory="$data/artifacts" \
            setsid dotnet out/worker/Dashboard.Worker.dll --device cpu --name "bench-$i" >"$data/worker-$i.log" 2>&1 &
        started+=($!)
    done
    sleep 20 # the workers' start-up (JIT) is not what is measured
fi
device=cpu
for case in ${CASES:-1:80}; do
    runs=${case%%:*}; steps=${case##*:}
    if (( loadgen )); then
        device=cuda
        log="$data/loadgen-$runs-$steps.log"
        ConnectionStrings__Dashboard="$connection" Dashboard__ArtifactsDirectory="$data/artifacts" \
            setsid dotnet out/liveload/Dashboard.LiveLoad.Benchmarks.dll --workers "$runs" --steps "$steps" \
            --interval "${INTERVAL:-0.25}" --warmup "${WARMUP:-0}" >"$log" 2>&1 &
        generator=$!; started+=($generator)
        until grep -q "ready:" "$log"; do kill -0 "$generator" 2>/dev/null || { cat "$log"; exit 1; }; sleep 1; done
        sleep 3 # the generator's start-up (JIT) is not what is measured
    fi
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    DASHBOARD_URL="http://127.0.0.1:$port" DASHBOARD_USER=admin DASHBOARD_PASSWORD="$password" DASHBOARD_TOKEN="$token" DEVICE=$device \
        RUNS=$runs STEPS=$steps INTERVAL=${INTERVAL:-0.25} WARMUP=${WARMUP:-0} node --experimental-websocket benchmarks/Web.Benchmarks/browser/live-latency.mjs
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    if (( loadgen )); then wait "$generator" || { echo "the load generator failed:"; cat "$log"; }; fi
done
