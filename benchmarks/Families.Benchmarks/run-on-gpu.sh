#!/usr/bin/env bash
# Runs the families benchmark and PyTorch eager's reference on a GPU machine (no .NET needed there).
#
# Here, with .NET:
#   dotnet publish benchmarks/Families.Benchmarks -c Release -r linux-x64 --self-contained -o out/families-bench
# (trimmed by the project file: about 30 MB, libtorch not included)
# There, from the repository root, with out/families-bench carried along:
#   benchmarks/Families.Benchmarks/run-on-gpu.sh [out/families-bench] [--quick] [--steps N] [--family sympscale]
#
# It compiles the shim against that machine's PyTorch libtorch ($LIBTORCH_DIR), replacing the
# CPU-built libdashtorch.so in the published folder, then runs both sides and prints the tables
# (also written to $OUT/families-benchmark.md, or next to the program without $OUT).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app="$(cd "${1:-$repo/out/families-bench}" && pwd)"
[ $# -gt 0 ] && shift   # the rest goes to the benchmark (e.g. --quick)
export LIBTORCH_DIR="${LIBTORCH_DIR:-/opt/torch/.venv/lib/python3.12/site-packages/torch}"
python="${PYTHON:-$(cd "$LIBTORCH_DIR/../../../.." && pwd)/bin/python}"
device="${DEVICE:-cuda}"

bash "$repo/src/Torch/native/build.sh" "$app"
chmod +x "$app/Dashboard.Families.Benchmarks"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || true
"$app/Dashboard.Families.Benchmarks" --device "$device" --python "$python" \
    --reference "$repo/benchmarks/Families.Benchmarks/reference.py" "$@" 2>&1 | tee "${OUT:-$app}/families-benchmark.md"
