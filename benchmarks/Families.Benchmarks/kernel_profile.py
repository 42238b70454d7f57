"""Kernel-by-kernel profile of the nGPT step (seed 001's shape, bf16, projection every step) on a GPU machine:
the binding's step against PyTorch eager's and torch.compile's (mode default), each a few steps inside a profiled
range (cudaProfilerStart/Stop) under Nsight Compute, which times every kernel alone (gpu__time_duration). Prints
GPU time per step by kernel class and the largest kernels of each path, as a markdown table.

usage: python kernel_profile.py --binding out/families-bench/Dashboard.Families.Benchmarks \
           --python PY --reference reference.py [--steps 3] [--ncu ncu] [--keep DIR]
"""
import argparse
import collections
import csv
import os
import re
import subprocess
import sys
import tempfile

# First match wins; Triton (torch.compile's) kernels are named by kind: poi(ntwise), red(uction), per(sistent
# reduction), tem(plate: a generated GEMM).
CLASSES = [
    ("attention", r"flash|fmha|attention|sdpa"),
    ("GEMM", r"gemm|cutlass|xmma|cublas|nvjet|gemv|splitk|triton_tem_"),
    ("optimizer", r"adam|multi_tensor|foreach"),
    ("softmax / cross-entropy", r"softmax|nll_loss|cross_entropy|logsumexp"),
    ("reductions", r"reduce|norm|triton_red_|triton_per_"),
    ("copies / indexing", r"copy|cat_|index|gather|scatter|embedding|fill"),
    ("elementwise", r"elementwise|vectorized|unrolled|triton_poi_"),
]


def classify(name):
    """By the kernel's own name first (template arguments name functors that would mislead), then the whole name."""
    base = re.split(r"[<(]", re.sub(r"^void\s+", "", name), maxsplit=1)[0]
    for text in (base.lower(), name.lower()):
        for label, pattern in CLASSES:
            if re.search(pattern, text):
                return label
    return "other"


def profile(ncu, command, csv_path):
    args = [ncu, "--profile-from-start", "off", "--clock-control", "none", "--metrics", "gpu__time_duration.sum", "--print-units", "base",
            "--csv", "--log-file", csv_path] + command
    print("$ " + " ".join(args), file=sys.stderr)
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(done.stdout[-2000:], file=sys.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"ncu exited {done.returncode}")


def read(csv_path):
    """[(kernel name, nanoseconds)] from ncu's CSV (header lines before the table are skipped)."""
    with open(csv_path, newline="") as f:
        lines = [line for line in f if line.startswith('"')]
    kernels = []
    for row in csv.DictReader(lines):
        if row.get("Metric Name") != "gpu__time_duration.sum":
            continue
        value = float(row["Metric Value"].replace(",", ""))
        unit = row.get("Metric Unit", "ns")
        scale = {"ns": 1, "nsecond": 1, "us": 1e3, "usecond": 1e3, "ms": 1e6, "msecond": 1e6}.get(unit, 1)
        kernels.append((row["Kernel Name"], value * scale))
    return kernels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binding", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--ncu", default="ncu")
    parser.add_argument("--keep", help="folder for ncu's CSV files (default: a temporary one)")
    parser.add_argument("--paths", default="binding,PyTorch eager,torch.compile",
                        help="comma-separated: binding, binding graph (the replayed CUDA graph), PyTorch eager, torch.compile")
    parser.add_argument("--top", type=int, default=8, help="largest kernels listed per path")
    parser.add_argument("--precision", default="bf16", choices=["bf16", "fp32"], help="bf16 autocast (default) or fp32, TF32 off")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="kernel-profile-")
    os.makedirs(folder, exist_ok=True)
    steps = str(args.steps)
    suffix = "-fp32" if args.precision == "fp32" else ""
    paths = {
        "binding": [args.binding, "--device", "cuda", "--family", "ngpt-profile" + suffix, "--steps", steps],
        "binding graph": [args.binding, "--device", "cuda", "--family", "ngpt-profile-graph" + suffix, "--steps", steps],
        "PyTorch eager": [args.python, args.reference, "--device", "cuda", "--modes", "eager", "--precisions", args.precision,
                          "--steps", steps, "--profile"],
        "torch.compile": [args.python, args.reference, "--device", "cuda", "--modes", "compile", "--precisions", args.precision,
                          "--steps", steps, "--profile"],
    }
    wanted = [p.strip() for p in args.paths.split(",")]
    unknown = [p for p in wanted if p not in paths]
    if unknown:
        parser.error(f"unknown --paths {unknown}; known: {list(paths)}")
    results = {}
    for label, command in ((p, paths[p]) for p in wanted):
        csv_path = os.path.join(folder, re.sub(r"\W+", "-", label) + ".csv")
        try:
            profile(args.ncu, command, csv_path)
            results[label] = read(csv_path)
        except Exception as e:  # one failing path must not cost the others
            print(f"{label}: {e}", file=sys.stderr)

    labels = list(results)
    per_class = {label: collections.defaultdict(lambda: [0, 0.0]) for label in labels}
    for label, kernels in results.items():
        for name, ns in kernels:
            entry = per_class[label][classify(name)]
            entry[0] += 1
            entry[1] += ns
    n = args.steps
    print(f"nGPT step, seed 001 shape, {args.precision}, projection every step: GPU time per step by kernel class "
          f"(ncu gpu__time_duration, each kernel timed alone; {n} steps averaged)\n")
    print("| Kernel class | " + " | ".join(f"{label} kernels | {label} µs" for label in labels) + " |")
    print("|---|" + "---:|---:|" * len(labels))
    for cls in [c for c, _ in CLASSES] + ["other"]:
        cells = []
        for label in labels:
            count, ns = per_class[label].get(cls, (0, 0.0))
            cells += [f"{count / n:,.0f}", f"{ns / n / 1e3:,.0f}"]
        print(f"| {cls} | " + " | ".join(cells) + " |")
    totals = []
    for label in labels:
        totals += [f"{len(results[label]) / n:,.0f}", f"**{sum(ns for _, ns in results[label]) / n / 1e3:,.0f}**"]
    print("| **total** | " + " | ".join(totals) + " |")
    for label in labels:
        top = collections.defaultdict(float)
        calls = collections.defaultdict(int)
        for name, ns in results[label]:
            top[name[:120]] += ns
            calls[name[:120]] += 1
        print(f"\nLargest kernels, {label} (µs per step):\n")
        print("| Kernel | Class | launches | µs |\n|---|---|---:|---:|")
        for name, ns in sorted(top.items(), key=lambda kv: -kv[1])[:args.top]:
            print(f"| `{name.replace('|', '/')}` | {classify(name)} | {calls[name] / n:,.0f} | {ns / n / 1e3:,.0f} |")


if __name__ == "__main__":
    main()
