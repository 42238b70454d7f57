#!/usr/bin/env bash
# Emission to pixels: starts the dashboard (./scripts/start, fresh data folder, its one local worker) and WORKERS-1
# more workers on its database, then live-latency.mjs for each CASES entry "runs:steps" (runs queued as one sweep,
# the first one's page watched); prints the load average and where the CPU went beside each table (the machine may
# be shared; the VM host's steal too). Stops what it started.
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
# Where the host's CPU goes during a case: every second, the CPU ticks of the web app, the embedded PostgreSQL (its
# postmaster and every backend), the dashboard's local worker, the load generator and Chromium, and the machine's
# total; cpu_split sums what each used from the first sample to the last (a process that started later from zero).
web_pid=$(pgrep -s "${started[0]}" -f "out/web/Dashboard.Web.dll" | head -1); postmaster=$(head -1 "$pg"); script_sid=$(ps -o sid= $$ | tr -d ' ')
cpu_sample() { # $1: the load generator's session, or 0
    set +e +o pipefail # a process that ends while its stat is read fails the read: the next sample has the rest
    while true; do
        echo "T $(date +%s%N) $(awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat)"
        cat /proc/[0-9]*/stat 2>/dev/null | awk -v web="$web_pid" -v pm="$postmaster" -v gen="$1" -v sid="$script_sid" -v app="${started[0]}" '{
            comm = $0; sub(/^[0-9]+ \(/, "", comm); sub(/\) [A-Z] .*$/, "", comm)
            rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
            part = ""
            if ($1 == web) part = "web"; else if ($1 == pm || f[2] == pm) part = "postgres"
            else if (gen != 0 && f[4] == gen) part = "generator"; else if (f[4] == app && comm == "dotnet") part = "local-worker"
            else if (f[4] == sid && comm ~ /^chrom/) part = "chromium"
            if (part != "") print "P", $1, part, f[12] + f[13] }'
        sleep 1
    done
}
cpu_split() { # $1: the samples' file
    awk -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" '
        $1 == "T" { if (!t0) { t0 = $2; m0 = $3; s0 = $4 } t1 = $2; m1 = $3; s1 = $4; n++ }
        $1 == "P" { if (!($2 in first)) { first[$2] = n == 1 ? $4 : 0; part[$2] = $3 } last[$2] = $4 }
        END { for (p in first) used[part[p]] += last[p] - first[p]; wall = (t1 - t0) / 1e9
              out = sprintf("cpu s over %.0f s of the case (%d cores):", wall, cores)
              for (k in used) out = out sprintf(" %s %.1f,", k, used[k] / hz)
              printf "%s the whole machine %.1f (%.0f %%), stolen by the VM host %.1f\n", out, (m1 - m0) / hz, 100 * (m1 - m0) / hz / wall / cores, (s1 - s0) / hz }' "$1"
}
device=cpu; n=0
for case in ${CASES:-1:80}; do
    runs=${case%%:*}; steps=${case##*:}; n=$((n + 1))
    if (( loadgen )); then
        device=cuda
        log="$data/loadgen-$n-$runs-$steps.log"
        ConnectionStrings__Dashboard="$connection" Dashboard__ArtifactsDirectory="$data/artifacts" \
            setsid dotnet out/liveload/Dashboard.LiveLoad.Benchmarks.dll --workers "$runs" --steps "$steps" \
            --interval "${INTERVAL:-0.25}" --warmup "${WARMUP:-0}" >"$log" 2>&1 &
        generator=$!; started+=($generator)
        until grep -q "ready:" "$log"; do kill -0 "$generator" 2>/dev/null || { cat "$log"; exit 1; }; sleep 1; done
        sleep 3 # the generator's start-up (JIT) is not what is measured
    fi
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    cpu_sample "$( (( loadgen )) && echo "$generator" || echo 0)" >"$data/cpu-$n-$runs-$steps.txt" &
    sampler=$!
    DASHBOARD_URL="http://127.0.0.1:$port" DASHBOARD_USER=admin DASHBOARD_PASSWORD="$password" DASHBOARD_TOKEN="$token" DEVICE=$device \
        RUNS=$runs STEPS=$steps INTERVAL=${INTERVAL:-0.25} WARMUP=${WARMUP:-0} node --experimental-websocket benchmarks/Web.Benchmarks/browser/live-latency.mjs
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    cpu_split "$data/cpu-$n-$runs-$steps.txt"
    if (( loadgen )); then wait "$generator" || { echo "the load generator failed:"; cat "$log"; }; fi
done
