# Debian packages the product needs, installed when we are root, else named in one command for the user.
# Sourced by scripts/start and scripts/test.

# PostgreSQL server (embedded default database), libtorch (the worker's training), python3-torch (the
# numerical oracle in tests), Chromium (browser tests), Node.js/npm (front-end packages, text corpus).
DASHBOARD_RUNTIME_PACKAGES=(postgresql libtorch-dev g++ nodejs npm)
DASHBOARD_TEST_PACKAGES=(python3-torch python3-numpy chromium)

missing_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    echo "${missing[@]:-}"
}

ensure_packages() {
    # node and npm may come from elsewhere than Debian (they do on these machines); accept them if on PATH.
    local wanted=()
    for package in "$@"; do
        case "$package" in
            nodejs) command -v node >/dev/null || wanted+=("$package") ;;
            npm) command -v npm >/dev/null || wanted+=("$package") ;;
            *) wanted+=("$package") ;;
        esac
    done
    local missing
    missing=$(missing_packages "${wanted[@]}")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "Installing Debian packages: $missing"
        export DEBIAN_FRONTEND=noninteractive
        apt_update_waiting_for_lock
        # Another install (unattended-upgrades, a colleague's apt) may hold the dpkg lock: apt's own timeout
        # waits for it up to five minutes instead of failing at once.
        # shellcheck disable=SC2086
        apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >/dev/null
    else
        echo "These Debian packages are missing: $missing"
        echo "Install them once with:  sudo apt-get install -y $missing"
        exit 1
    fi
}

# apt-get update takes the package lists' lock, which DPkg::Lock::Timeout does not cover (apt 2.6 fails at
# once with "Could not get lock /var/lib/apt/lists/lock"): retry while that is the reason, up to five minutes.
apt_update_waiting_for_lock() {
    local output
    for _ in $(seq 60); do
        if output=$(apt-get -o DPkg::Lock::Timeout=300 update -q 2>&1); then return 0; fi
        grep -q "Could not get lock" <<<"$output" || { echo "$output" >&2; return 1; }
        echo "Waiting for another apt to finish…"
        sleep 5
    done
    echo "$output" >&2
    return 1
}

# Browser libraries (plotly.js: the basic bundle for line charts, the full one for parallel coordinates and WebGL) from
# npm, copied into the web app's wwwroot/lib before it is built.
ensure_web_assets() {
    local web=src/Web
    if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
        echo "Installing the dashboard's browser libraries (npm ci)…"
        npm ci --prefix "$web" --no-audit --no-fund --loglevel=error >/dev/null
    fi
    mkdir -p "$web/wwwroot/lib/plotly"
    cp -u "$web/node_modules/plotly.js-dist-min/plotly.min.js" "$web/wwwroot/lib/plotly/plotly.min.js"
    cp -u "$web/node_modules/plotly.js-basic-dist-min/plotly-basic.min.js" "$web/wwwroot/lib/plotly/plotly-basic.min.js"
}

# Text corpora of the language-model families (data/corpus: package.json + package-lock.json, node_modules
# ignored). npm ci again whenever the lock file is newer than the installed tree.
ensure_corpus() {
    local dir=data/corpus
    if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "Installing the text corpora (npm ci in $dir)…"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
}

# Off-the-shelf clients the end-to-end tests run against the app (tests/Clients: openapi-typescript, openapi-fetch,
# typescript, @microsoft/signalr; node_modules ignored). npm ci again whenever the lock file is newer.
ensure_client_tests() {
    local dir=tests/Clients
    if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "Installing the client test tools (npm ci in $dir)…"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
}
