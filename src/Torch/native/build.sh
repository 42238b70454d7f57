#!/usr/bin/env bash
# Builds libdashtorch.so against the machine's libtorch.
#   build.sh [OUT_DIR]
# libtorch: $LIBTORCH_DIR when set (a PyTorch install's torch/ folder or an unpacked libtorch zip:
# include/ and lib/), otherwise Debian's libtorch-dev.
# CUDA support (DT_WITH_CUDA) is compiled in when that libtorch has libtorch_cuda.so and the CUDA
# runtime headers can be found ($CUDA_HOME, /usr/local/cuda, or PyTorch's nvidia/* wheels).
# The fused kernels (fused_kernels.cu, DT_WITH_FUSED_KERNELS) are compiled in on top of that when nvcc is
# found ($NVCC, $CUDA_HOME/bin, PATH, /usr/local/cuda/bin, PyTorch's nvidia/* wheels), for the GPUs that
# nvidia-smi lists (or $DT_CUDA_ARCH, e.g. "90" or "80 90"); DT_FUSED_KERNELS=0 leaves them out. If they fail
# to compile or link, the shim is built without them (the C# side then runs their ATen references) and the
# script says why.
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

# Fused kernels: nvcc compiles fused_kernels.cu to an object (no libtorch headers in it); fused.cpp wraps it.
fused_objs=()
fused_why=""
cudart_libs=()
if printf '%s\n' "${defines[@]}" | grep -q DT_WITH_CUDA && [ "${DT_FUSED_KERNELS:-1}" != 0 ]; then
  nvcc=""
  for c in "${NVCC:-}" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" "$(command -v nvcc 2>/dev/null || true)" /usr/local/cuda/bin/nvcc; do
    if [ -n "$c" ] && [ -x "$c" ]; then nvcc="$c"; break; fi
  done
  if [ -z "$nvcc" ] && [ -n "${LIBTORCH_DIR:-}" ] && [ -d "$LIBTORCH_DIR/../nvidia" ]; then
    nvcc="$(find "$LIBTORCH_DIR/../nvidia" -maxdepth 4 -type f -name nvcc -perm -u+x -print -quit 2>/dev/null || true)"
  fi
  if [ -z "$nvcc" ]; then
    fused_why="no nvcc found"
  else
    archs="${DT_CUDA_ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d '. ' | sort -u | tr '\n' ' ' || true)}"
    [ -n "${archs// /}" ] || archs="80 90"
    arch_flags=()
    for a in $archs; do arch_flags+=(-gencode "arch=compute_$a,code=sm_$a"); done
    last="$(printf '%s\n' $archs | tail -1)"
    arch_flags+=(-gencode "arch=compute_$last,code=compute_$last")   # PTX too, for newer GPUs
    # The kernels call the CUDA runtime: link the libcudart that libtorch_cuda itself loads, so there is one.
    cudart="$(ldd "$libdir/libtorch_cuda.so" 2>/dev/null | awk '/libcudart\.so/ && $3 ~ /^\// {print $3; exit}' || true)"
    if [ -n "$cudart" ]; then
      cudart_libs=("$cudart" -Wl,-rpath,"$(dirname "$cudart")")
    else
      for d in "$(dirname "$nvcc")/../lib64" "$(dirname "$nvcc")/../lib"; do
        if [ -e "$d/libcudart.so" ]; then cudart_libs=(-L"$d" -Wl,-rpath,"$d" -lcudart); break; fi
      done
    fi
    # The .cu files compile side by side (a minute each for several archs); each has its own log.
    units=(fused_kernels point_kernels attention_kernels row_kernels adamw_kernels)
    pids=()
    for cu in "${units[@]}"; do
      echo "build.sh: nvcc $nvcc: compiling $cu.cu for sm ${archs% }"
      "$nvcc" -std=c++17 -O3 -ccbin "$cxx" -Xcompiler -fPIC -Xcompiler -fvisibility=hidden "${arch_flags[@]}" \
        -c "$here/$cu.cu" -o "$out.$cu.$$.o" > "$out.$cu.$$.log" 2>&1 &
      pids+=($!)
    done
    for i in "${!units[@]}"; do
      cu="${units[$i]}"
      if wait "${pids[$i]}"; then
        fused_objs+=("$out.$cu.$$.o")
      elif [ -z "$fused_why" ]; then
        fused_why="nvcc failed on $cu.cu: $(tail -5 "$out.$cu.$$.log" | tr '\n' ' ')"
      fi
      rm -f "$out.$cu.$$.log"
    done
    if [ -n "$fused_why" ]; then
      for cu in "${units[@]}"; do rm -f "$out.$cu.$$.o"; done
      fused_objs=()
    fi
  fi
elif [ "${DT_FUSED_KERNELS:-1}" = 0 ]; then
  fused_why="DT_FUSED_KERNELS=0"
else
  fused_why="no CUDA libtorch (DT_WITH_CUDA is off)"
fi

version="$(grep -m1 -A1 'define TORCH_VERSION ' "$api_inc/torch/version.h" 2>/dev/null | tail -1 | tr -d ' "\\' || true)"
echo "build.sh: libtorch ${version:-?} at $libdir, _GLIBCXX_USE_CXX11_ABI=$abi -> $out"

tmp="$out.tmp.$$"
trap 'rm -f "$tmp" "${fused_objs[@]}"' EXIT
build() {   # build [fused]
  local sources=("$here/dashtorch.cpp") extra_defines=() extra_libs=()
  if [ "${1:-}" = fused ]; then
    sources+=("$here/fused.cpp" "$here/points.cpp" "$here/attention.cpp" "$here/rows.cpp" "$here/adamw.cpp" "${fused_objs[@]}")
    extra_defines=(-DDT_WITH_FUSED_KERNELS)
    extra_libs=("${cudart_libs[@]}")
  fi
  "$cxx" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wno-unused-parameter \
    "${defines[@]}" "${extra_defines[@]}" "${includes[@]}" "${sources[@]}" -o "$tmp" \
    -L"$libdir" -Wl,-rpath,"$libdir" -Wl,--no-as-needed "${libs[@]}" "${extra_libs[@]}" -Wl,--as-needed
}
built=""
if [ "${#fused_objs[@]}" -gt 0 ]; then
  if build fused; then
    built="with fused kernels"
  else
    fused_why="the build with fused.cpp, points.cpp, attention.cpp, rows.cpp, adamw.cpp and the kernels' objects failed (see above)"
    echo "build.sh: warning: $fused_why; retrying without the fused kernels" >&2
  fi
fi
if [ -z "$built" ]; then
  if ! build; then
    if printf '%s\n' "${defines[@]}" | grep -q DT_WITH_CUDA; then
      echo "build.sh: warning: the DT_WITH_CUDA build failed; retrying without it" >&2
      defines=(-D_GLIBCXX_USE_CXX11_ABI=$abi)
      build || { rm -f "$out"; exit 1; }
    else
      rm -f "$out"; exit 1
    fi
  fi
  built="without fused kernels ($fused_why: the ATen references run instead)"
fi
mv -f "$tmp" "$out"
echo "build.sh: built $out $built"
