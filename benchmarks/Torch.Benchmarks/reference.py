"""PyTorch eager reference for Dashboard.Torch.Benchmarks: the same rows, measured the same way.

usage: python reference.py [--device cpu|cuda] [--json] [--quick]
"""
import argparse
import json
import platform
import time

import torch

WIDTH, BATCH = 512, 64


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def per_call(device, iterations, body):
    for _ in range(min(1000, iterations)):
        body()
    sync(device)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        sync(device)
        best = min(best, (time.perf_counter() - start) * 1e6 / iterations)
    return best


def graphed_adds(device, replays, a, b):
    adds_per_graph = 100
    graph = torch.cuda.CUDAGraph()
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        a + b  # warm-up on the capture stream
    torch.cuda.current_stream().wait_stream(stream)
    with torch.cuda.graph(graph):
        outputs = [a + b for _ in range(adds_per_graph)]  # noqa: F841 - kept alive with the graph
    return per_call(device, replays, graph.replay) / adds_per_graph


def train_step(device, iterations, autocast):
    torch.manual_seed(0)
    layers = []
    for i in range(4):
        layers.append(torch.nn.Linear(WIDTH, WIDTH))
        if i < 3:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randn(BATCH, WIDTH, device=device)
    y = torch.randn(BATCH, WIDTH, device=device)

    def step():
        optimizer.zero_grad()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()

    return per_call(device, iterations, step)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    device = torch.device(args.device if args.device != "cuda" else "cuda:0")
    op_iterations = 2_000 if args.quick else 50_000
    step_iterations = 5 if args.quick else 100

    a = torch.ones(16, device=device)
    b = torch.ones(16, device=device)

    def add():
        c = a + b  # noqa: F841 - released at once, as the binding disposes its result

    results = {}
    results["tiny add, operator (fast path)"] = per_call(device, op_iterations, add)
    results["tiny add, generic dispatcher call"] = per_call(device, op_iterations, lambda: torch.add(a, b))
    # PyTorch has no dispose scope (Python's reference counting frees the result): no row of its own, shown as "–".
    if device.type == "cuda":
        results["tiny add, 100 per replayed CUDA graph (per add)"] = graphed_adds(device, 20 if args.quick else 500, a, b)
    results["4-layer MLP train step, fp32"] = train_step(device, step_iterations, False)
    results["4-layer MLP train step, bf16 autocast"] = train_step(device, step_iterations, True)

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else (platform.processor() or "cpu")
    if args.json:
        print(json.dumps({"device_name": name, "torch_version": torch.__version__, "results": results}))
    else:
        print(f"Device: {name}; PyTorch {torch.__version__}\n")
        print("| Benchmark | PyTorch eager (µs) |\n|---|---:|")
        for key, value in results.items():
            print(f"| {key} | {value:.2f} |")


if __name__ == "__main__":
    main()
