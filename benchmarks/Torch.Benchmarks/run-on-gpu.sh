#!/usr/bin/env bash
# Runs the binding benchmark and PyTorch eager's reference on a GPU machine (no .NET needed there).
#
# Here, with .NET:
#   dotnet publish benchmarks/Torch.Benchmarks -c Release -r linux-x64 --self-contained \
#       -p:PublishTrimmed=true -o out/torch-bench
# There, from the repository root, with out/torch-bench carried along:
#   benchmarks/Torch.Benchmarks/run-on-gpu.sh [out/torch-bench]
#
# It compiles the shim against that machine's PyTorch libtorch ($LIBTORCH_DIR), replacing the
# CPU-built libdashtorch.so in the published folder, then runs both sides and prints one table.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app="$(cd "${1:-$repo/out/torch-bench}" && pwd)"
[ $# -gt 0 ] && shift   # the rest goes to the benchmark (e.g. --quick)
export LIBTORCH_DIR="${LIBTORCH_DIR:-/opt/torch/.venv/lib/python3.12/site-packages/torch}"
python="${PYTHON:-$(cd "$LIBTORCH_DIR/../../../.." && pwd)/bin/python}"
device="${DEVICE:-cuda}"

bash "$repo/src/Torch/native/build.sh" "$app"
chmod +x "$app/Dashboard.Torch.Benchmarks"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || true
"$app/Dashboard.Torch.Benchmarks" --device "$device" --python "$python" \
    --reference "$repo/benchmarks/Torch.Benchmarks/reference.py" "$@" 2>&1 | tee "${OUT:-$app}/benchmark-results.md"
