#!/usr/bin/env bash
# The families tables on a lent GPU machine, the parts named in $PARTS (below): nGPT with the GPU checks and PyTorch
# eager / graph / torch.compile, seed 004 (harmonic), seed 000 (hhml), seed 003 (sympscale), kernel profiles,
# torch.compile's max-autotune rows. Each part has its own time limit, so one slow part cannot cost the others;
# everything is written under $OUT. A lease's command runs 600 s at most. On an H100 (2026-12-07): ngpt ~400 s with
# the shim's build (~190 s of it the mHC demo's torch.compile; DT_BENCH_MHC_REFERENCE=0 leaves that out), harmonic +
# sympscale 229 s together, hhml 164 s with the shim's build (its cycles on the point-cloud kernels), gemm ~75 s.
#   PARTS="harmonic hhml" benchmarks/Families.Benchmarks/run-all-on-gpu.sh out/families-bench
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app="${1:-$repo/out/families-bench}"
out="${OUT:-/tmp}"
export LIBTORCH_DIR="${LIBTORCH_DIR:-/opt/torch/.venv/lib/python3.12/site-packages/torch}"
python="$(cd "$LIBTORCH_DIR/../../../.." && pwd)/bin/python"
# The shim is built here (nvcc, CUDA libtorch), a minute or two of the lease; it is left under $OUT/shim with the hash of
# its sources and the GPU, so the next call can carry it in $app and skip the build when nothing it depends on changed.
stamp="$( (cat "$repo"/src/Torch/native/*; nvidia-smi --query-gpu=compute_cap --format=csv,noheader; echo "${DT_FUSED_KERNELS:-1}") | sha256sum | cut -c1-16)"
if [ -f "$app/libdashtorch.so" ] && [ "$(cat "$app/libdashtorch.so.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "shim: reusing $app/libdashtorch.so (sources unchanged, stamp $stamp)"
else
    bash "$repo/src/Torch/native/build.sh" "$app" || exit 1
    echo "$stamp" > "$app/libdashtorch.so.stamp"
fi
mkdir -p "$out/shim" && cp "$app/libdashtorch.so" "$app/libdashtorch.so.stamp" "$out/shim/"
chmod +x "$app/Dashboard.Families.Benchmarks"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
run() {   # run SECONDS NAME ARGS... (the PyTorch reference beside it, unless ARGS start with --no-reference)
    local limit=$1 name=$2; shift 2
    local reference=(--python "$python" --reference "$repo/benchmarks/Families.Benchmarks/reference.py")
    if [ "${1:-}" = --no-reference ]; then reference=(); shift; fi
    echo "=== $name (limit ${limit} s)"
    timeout "$limit" "$app/Dashboard.Families.Benchmarks" --device cuda "${reference[@]}" "$@" > "$out/$name.md" 2> "$out/$name.log"
    echo "exit $?"; cat "$out/$name.md"; tail -5 "$out/$name.log"
}
# Parts: ngpt, ngpt-binding (the binding's rows and checks only, no PyTorch), ngpt-compile (torch.compile the only PyTorch row), ngpt-fp32 (and fp32 the only precision), kernels (every kernel's check and timing, the binding's fp32 step; no PyTorch), harmonic, hhml, sympscale, sympscale-training
# (its graph checks and the binding's training rows only), profile (ncu
# kernel classes of three paths), profile-graph (ncu: the binding's graphed step alone, its 40 largest kernels), profile-fp32
# (ncu: the binding's graphed fp32 step and torch.compile's fp32 step), profile-table-rows (ncu: the binding's graphed
# fp32 step without and with the held-back table-row kernels),
# DT_BENCH_LEAN=1 leaves the ngpt part's side rows out (chunked head, fused on/off). attention (the short-sequence attention
# kernel checked at eight sizes and timed against ATen's), compile-max, gemm (the nGPT step's products one by one), gemm-lt (the same with ATen's
# cuBLASLt path, TORCH_BLAS_PREFER_CUBLASLT=1). Default: ngpt.
for part in ${PARTS:-ngpt}; do
    case "$part" in
        ngpt) run 500 ngpt --reference-modes eager,graph,compile ;;   # ~300 s on an H100 (2026-12-07): a call of its own
        ngpt-binding) run 300 ngpt-binding --no-reference --steps 50 ;;
        ngpt-compile) run 500 ngpt-compile --reference-modes compile ;;   # the ngpt part with torch.compile its only PyTorch row (a shorter lease)
        ngpt-fp32) DT_BENCH_PRECISIONS=fp32 DT_BENCH_CHECKS=ngpt run 400 ngpt-fp32 --reference-modes compile ;;   # and fp32 (TF32 off) its only precision, nGPT's checks only
        harmonic) run 240 harmonic --family harmonic ;;   # torch.compile of three models, the MoE with graph breaks
        hhml) run 360 hhml --family hhml ;;   # the binding's rows, then hhml_reference.py (stopped by HhmlBenchmark after 240 s)
        gemm) run 60 gemm --no-reference --family gemm ;;   # the step's products one by one (seconds)
        attention) run 120 attention --no-reference --family attention ;;
        kernels) run 200 kernels --no-reference --family kernels ;;   # every kernel's check, kernel timings, nGPT's fp32 graphed step with every kernel, then without the embedding-gradient, scaled-rows, attention and partial-sums kernels in turn
        concurrency)   # a linear layer's ∂x and ∂W side by side on two streams, against one after the other (PyTorch)
            echo "=== concurrent backward products"
            timeout 60 "$python" "$repo/benchmarks/Families.Benchmarks/concurrent_backward.py" > "$out/concurrency.md" 2>&1
            echo "exit $?"; cat "$out/concurrency.md" ;;
        gemm-lt) TORCH_BLAS_PREFER_CUBLASLT=1 run 60 gemm-lt --no-reference --family gemm ;;   # the same through cuBLASLt's heuristics
        sympscale) run 240 sympscale --family sympscale ;;
        sympscale-training) run 150 sympscale-training --no-reference --family sympscale --only training ;;   # graph checks + binding rows
        profile)
            echo "=== kernel profile (ncu): binding, PyTorch eager, torch.compile"
            timeout 420 "$python" "$repo/benchmarks/Families.Benchmarks/kernel_profile.py" --binding "$app/Dashboard.Families.Benchmarks" \
                --python "$python" --reference "$repo/benchmarks/Families.Benchmarks/reference.py" --keep "$out/profile" \
                > "$out/profile.md" 2> "$out/profile.log"
            echo "exit $?"; cat "$out/profile.md"; tail -5 "$out/profile.log" ;;
        profile-graph)
            echo "=== kernel profile (ncu): the binding's graphed step"
            timeout 240 "$python" "$repo/benchmarks/Families.Benchmarks/kernel_profile.py" --binding "$app/Dashboard.Families.Benchmarks" \
                --python "$python" --reference "$repo/benchmarks/Families.Benchmarks/reference.py" --keep "$out/profile-graph" \
                --paths "binding graph" --steps 2 --top 40 > "$out/profile-graph.md" 2> "$out/profile-graph.log"
            echo "exit $?"; cat "$out/profile-graph.md"; tail -5 "$out/profile-graph.log" ;;
        profile-fp32)
            echo "=== kernel profile (ncu), fp32 (TF32 off): the binding's graphed step and torch.compile's"
            timeout 300 "$python" "$repo/benchmarks/Families.Benchmarks/kernel_profile.py" --binding "$app/Dashboard.Families.Benchmarks" \
                --python "$python" --reference "$repo/benchmarks/Families.Benchmarks/reference.py" --keep "$out/profile-fp32" \
                --paths "binding graph,torch.compile" --precision fp32 --steps 2 --top 25 > "$out/profile-fp32.md" 2> "$out/profile-fp32.log"
            echo "exit $?"; cat "$out/profile-fp32.md"; tail -5 "$out/profile-fp32.log" ;;
        profile-table-rows)   # why the table-row kernels, faster alone, made the fp32 graphed step ~0.8 ms slower (ninth session)
            for held in "" "ScaledRows,EmbeddingGradient"; do
                name="profile-rows-$([ -n "$held" ] && echo with || echo without)"
                echo "=== kernel profile (ncu), fp32 graphed step, held-back kernels allowed: ${held:-none}"
                DT_BENCH_HELD_BACK="$held" timeout 200 "$python" "$repo/benchmarks/Families.Benchmarks/kernel_profile.py" --binding "$app/Dashboard.Families.Benchmarks" \
                    --python "$python" --reference "$repo/benchmarks/Families.Benchmarks/reference.py" --keep "$out/$name" \
                    --paths "binding graph" --precision fp32 --steps 2 --top 40 > "$out/$name.md" 2> "$out/$name.log"
                echo "exit $?"; cat "$out/$name.md"; tail -5 "$out/$name.log"
            done ;;
        compile-max)
            echo "=== torch.compile max-autotune-no-cudagraphs (bf16)"
            timeout 300 "$python" "$repo/benchmarks/Families.Benchmarks/reference.py" --device cuda --json --modes compile-max \
                --precisions bf16 > "$out/compile-max.json" 2> "$out/compile-max.log"
            echo "exit $?"; cat "$out/compile-max.json"; tail -3 "$out/compile-max.log" ;;
    esac
done
