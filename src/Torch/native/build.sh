#!/usr/bin/env bash
# Builds libdashtorch.so against the machine's libtorch.
#   build.sh [OUT_DIR]
# libtorch: $LIBTORCH_DIR when set (a PyTorch install's torch/ folder or an unpacked libtorch zip:
# include/ and lib/), otherwise Debian's libtorch-dev.
# CUDA support (DT_WITH_CUDA) is compiled in when that libtorch has libtorch_cuda.so and the CUDA
# runtime headers can be found ($CUDA_HOME, /usr/local/cuda, or PyTorch's nvidia/* wheels).
# On failure the output is deleted, so a stale library is never picked up.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out_dir="${1:-$here/build}"
mkdir -p "$out_dir"
out="$out_dir/libdashtorch.so"
cxx="${CXX:-g++}"

if [ -n "${LIBTORCH_DIR:-}" ]; then
  root="$LIBTORCH_DIR"
  if [ ! -f "$root/include/torch/csrc/api/include/torch/version.h" ]; then
    echo "build.sh: error: LIBTORCH_DIR=$root has no include/torch/csrc/api/include/torch/version.h" >&2
    rm -f "$out"; exit 1
  fi
  api_inc="$root/include/torch/csrc/api/include"
  includes=(-isystem "$root/include" -isystem "$api_inc")
  libdir="$root/lib"
else
  multiarch="$($cxx -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
  libdir="/usr/lib/$multiarch"
  if [ ! -f /usr/include/torch/csrc/api/include/torch/version.h ] || [ ! -e "$libdir/libtorch.so" ]; then
    echo "build.sh: error: libtorch not found. Install Debian's: sudo apt-get install libtorch-dev" >&2
    echo "build.sh:        or point LIBTORCH_DIR at a libtorch (e.g. .../site-packages/torch)." >&2
    rm -f "$out"; exit 1
  fi
  api_inc=/usr/include/torch/csrc/api/include
  includes=(-isystem "$api_inc")
fi

# The C++ ABI must match the one libtorch was built with; its exported symbols tell.
if [ -n "${DT_CXX11_ABI:-}" ]; then
  abi="$DT_CXX11_ABI"
elif [ "$(nm -D --defined-only "$libdir/libc10.so" 2>/dev/null | grep -c '__cxx11' || true)" -gt 0 ]; then
  abi=1
else
  abi=0
fi

defines=(-D_GLIBCXX_USE_CXX11_ABI=$abi)
libs=(-ltorch -ltorch_cpu -lc10)
if [ -e "$libdir/libtorch_cuda.so" ]; then
  # Linked even when the headers are missing, so that CUDA kernels register at load time.
  libs+=(-ltorch_cuda -lc10_cuda)
  cuda_inc=""
  for d in "${CUDA_HOME:-/nonexistent}/include" /usr/local/cuda/include; do
    [ -f "$d/cuda_runtime_api.h" ] && { cuda_inc="$d"; break; }
  done
  if [ -z "$cuda_inc" ] && [ -n "${LIBTORCH_DIR:-}" ] && [ -d "$LIBTORCH_DIR/../nvidia" ]; then
    hit="$(find "$LIBTORCH_DIR/../nvidia" -maxdepth 4 -name cuda_runtime_api.h -print -quit 2>/dev/null || true)"
    [ -n "$hit" ] && cuda_inc="$(dirname "$hit")"
  fi
  if [ -n "$cuda_inc" ]; then
    defines+=(-DDT_WITH_CUDA)
    includes+=(-isystem "$cuda_inc")
    # cuda_runtime_api.h may pull headers from sibling wheels (e.g. crt/, cccl).
    if [ -n "${LIBTORCH_DIR:-}" ] && [ -d "$LIBTORCH_DIR/../nvidia" ]; then
      while IFS= read -r inc; do includes+=(-isystem "$inc"); done \
        < <(find "$LIBTORCH_DIR/../nvidia" -maxdepth 3 -type d -name include 2>/dev/null)
    fi
    echo "build.sh: CUDA headers at $cuda_inc: compiling with DT_WITH_CUDA"
  else
    echo "build.sh: warning: libtorch has CUDA but no CUDA runtime headers were found;" \
         "CUDA tensors work, memory stats / graphs / cuda autocast will report an error" >&2
  fi
fi

version="$(grep -m1 -A1 'define TORCH_VERSION ' "$api_inc/torch/version.h" 2>/dev/null | tail -1 | tr -d ' "\\' || true)"
echo "build.sh: libtorch ${version:-?} at $libdir, _GLIBCXX_USE_CXX11_ABI=$abi -> $out"

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
build() {
  "$cxx" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wno-unused-parameter \
    "${defines[@]}" "${includes[@]}" "$here/dashtorch.cpp" -o "$tmp" \
    -L"$libdir" -Wl,-rpath,"$libdir" -Wl,--no-as-needed "${libs[@]}" -Wl,--as-needed
}
if ! build; then
  if printf '%s\n' "${defines[@]}" | grep -q DT_WITH_CUDA; then
    echo "build.sh: warning: the DT_WITH_CUDA build failed; retrying without it" >&2
    defines=(-D_GLIBCXX_USE_CXX11_ABI=$abi)
    build || { rm -f "$out"; exit 1; }
  else
    rm -f "$out"; exit 1
  fi
fi
mv -f "$tmp" "$out"
echo "build.sh: built $out"
