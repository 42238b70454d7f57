"""PyTorch reference for `Dashboard.Families.Benchmarks --family harmonic`: seed 004's GPT inference, all three models.

The standard GPT (nanoGPT), the Harmonic GPT and the Harmonic GPT with its mixture of experts, ported op for op from
the binding's C# in harmonic_gpt.py, at the write-up's benchmark shape (4 layers x 256, 4 heads, block 256,
vocabulary 65, biases, tied head, local window 32, top 25 % wave tokens, 4 experts), batch 4 x 256 tokens, eval mode,
forward only under torch.inference_mode, 5 warm-up passes then N timed passes, each synchronised: the same protocol
as the binding's InferenceBenchmark. Rows: PyTorch eager, the forward captured once in a CUDA graph and replayed
(torch.cuda.graph, as the binding's graph row), and torch.compile (mode "default"; its compilation time is
reported apart, not in tokens/s). A path PyTorch cannot take (the mixture of experts reads its expert counts on the
host, which a CUDA graph cannot hold) reports its error instead of a figure.

With --weights DIR (the binding's benchmark writes DIR/<model>.safetensors: the model's state dict under the
binding's names, the config as metadata, the token ids it times and the logits it computed for them), each model is
built from that config, loads those weights (strict), and is checked and timed on those ids: "check" reports the
largest |logit difference| against the binding's of the eager port ("max_abs_diff") and of each timed path that
returns logits ("paths": graph, compile), so the table can refuse a port, or a path, that computes something else.
Without it, each model gets nanoGPT's initialisation and random ids.

usage: python harmonic_reference.py [--device cpu|cuda] [--json] [--quick] [--iterations N] [--weights DIR]
                                    [--models standard,harmonic,harmonic-moe]
"""
import argparse
import json
import math
import os
import platform
import time

import torch

from harmonic_gpt import GPT, MODELS, read_safetensors

SEED_SHAPE = dict(layers=4, width=256, heads=4, context=256, vocab=65, window=32, wave_fraction=0.25, experts=4)
QUICK_SHAPE = dict(layers=2, width=32, heads=2, context=48, vocab=65, window=8, wave_fraction=0.25, experts=4)
BATCH = 4


def time_forward(model, ids, iterations, device):
    def run():
        model(ids)
        if device.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(5):
        run()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    mean = sum(times) / len(times)
    return ids.numel() / (mean / 1000), mean


def time_graph(model, ids, iterations):
    with torch.inference_mode():
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(5):
                model(ids)
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        graph = torch.cuda.CUDAGraph()
        failure = []   # the forward's own error, not the one ending the invalidated capture raises after it
        try:
            with torch.cuda.graph(graph):
                try:
                    output = model(ids)
                except Exception as e:
                    failure.append(e)
                    raise
        except Exception as e:
            raise (failure[0] if failure else e)

        def replay():
            graph.replay()
            torch.cuda.synchronize()

        for _ in range(5):
            replay()
        times = []
        for _ in range(iterations):
            start = time.perf_counter()
            replay()
            times.append((time.perf_counter() - start) * 1000)
        return ids.numel() / (sum(times) / len(times) / 1000), output.float().cpu()


def time_compile(model, ids, iterations, device):
    """(tokens/s, compilation seconds, what dynamo built, logits) of torch.compile(model, mode="default")."""
    try:
        from torch._dynamo.utils import counters
    except ImportError:
        counters = None

    def tally():
        return (counters["stats"].get("unique_graphs", 0), sum(counters["graph_break"].values())) if counters is not None else None

    before = tally()
    compiled = torch.compile(model, mode="default")
    start = time.perf_counter()
    with torch.inference_mode():
        compiled(ids)
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    with torch.inference_mode():
        rate, _ = time_forward(compiled, ids, iterations, device)
        output = compiled(ids).float().cpu()
    after = tally()
    built = None if after is None else {"graphs": after[0] - before[0], "graph_breaks": after[1] - before[1]}
    return rate, seconds, built, output


def error_text(e):
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"[:400]


def build(name, shape, weights, device):
    """(model, ids, the binding's logits or None) for one model: the binding's weights, config and ids where written,
    else nanoGPT's init and random ids."""
    path = os.path.join(weights, f"{name}.safetensors") if weights else None
    if path is None or not os.path.exists(path):
        model = GPT(name, **shape)
        ids = torch.randint(0, shape["vocab"], (BATCH, shape["context"]))
        return model.to(device).eval(), ids.to(device), None
    tensors, metadata = read_safetensors(path)
    config = json.loads(metadata["config"])
    if config.pop("wave_selection", "topk") != "topk":
        raise ValueError("the port selects wave tokens by top-k only")
    ids, expected = tensors.pop("input.ids"), tensors.pop("output.logits")
    model = GPT(name, **config)
    model.load_state_dict(tensors, strict=True)   # every name and shape the binding's
    model = model.to(device).eval()
    return model, ids.to(device), expected


def difference(logits, expected):
    """Largest |logit difference| against the binding's; None (JSON null, which the table refuses) where the shapes
    differ or a value is not finite."""
    if logits.shape != expected.shape:
        return None
    diff = (logits - expected).abs().max().item()
    return diff if math.isfinite(diff) else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--weights", default=None, help="folder of the binding's <model>.safetensors")
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    shape = QUICK_SHAPE if args.quick else SEED_SHAPE
    cuda = device.type == "cuda"
    device_name = torch.cuda.get_device_name(device) if cuda else platform.processor() or "cpu"
    can_compile = hasattr(torch, "compile") and cuda
    results, errors, parameters, checks, compile_seconds, compile_built = {}, {}, {}, {}, {}, {}
    deferred_graphs = []
    built = {}
    for name in args.models.split(","):
        row, failed = {}, {}
        results[name], errors[name] = row, failed
        try:
            model, ids, expected = build(name, shape, args.weights, device)
        except Exception as e:  # a port that cannot load the binding's weights is reported, not timed
            failed["build"] = error_text(e)
            continue
        parameters[name] = model.non_embedding_count()
        check = None
        if expected is not None:
            # Each PyTorch path's logits for the timed ids against the binding's: the eager port here, graph and
            # compile once timed. The table refuses a path whose logits differ.
            with torch.inference_mode():
                logits = model(ids).float().cpu()
            check = checks[name] = {"max_abs_diff": difference(logits, expected), "max_abs_logit": expected.abs().max().nan_to_num(0.0).item(),
                                    "paths": {}}
        built[name] = (model, ids, check, expected)
        try:
            with torch.inference_mode():
                row["eager"], _ = time_forward(model, ids, args.iterations, device)
        except Exception as e:
            failed["eager"] = error_text(e)
        if cuda:
            # A capture that fails can leave the device in a poor state for what follows: the MoE's (it reads its
            # expert counts on the host) is tried last.
            if name == "harmonic-moe":
                deferred_graphs.append(name)
            else:
                try:
                    row["graph"], logits = time_graph(model, ids, args.iterations)
                    if check is not None:
                        check["paths"]["graph"] = difference(logits, expected)
                except Exception as e:
                    failed["graph"] = error_text(e)
        if can_compile:
            try:
                row["compile"], compile_seconds[name], compile_built[name], logits = time_compile(model, ids, args.iterations, device)
                if check is not None:
                    check["paths"]["compile"] = difference(logits, expected)
            except Exception as e:  # an inductor failure (no C toolchain, an unsupported op) must not cost the table
                failed["compile"] = error_text(e)
    for name in deferred_graphs:
        model, ids, check, expected = built[name]
        try:
            results[name]["graph"], logits = time_graph(model, ids, args.iterations)
            if check is not None:
                check["paths"]["graph"] = difference(logits, expected)
        except Exception as e:
            errors[name]["graph"] = error_text(e)
    out = {
        "torch_version": torch.__version__,
        "device_name": device_name,
        "weights": "binding" if args.weights else "nanoGPT init",
        "results": results,
        "errors": {k: v for k, v in errors.items() if v},
        "parameters": parameters,
        "check": checks,
        "compile_seconds": compile_seconds,
        "compile_built": compile_built,
        "compile_skipped": None if can_compile else ("torch.compile needs a CUDA device here" if hasattr(torch, "compile")
                                                     else f"PyTorch {torch.__version__} has no torch.compile"),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
