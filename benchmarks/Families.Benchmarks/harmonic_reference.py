"""PyTorch reference for `Dashboard.Families.Benchmarks --family harmonic`: seed 004's standard GPT inference.

nanoGPT's GPT at the write-up's benchmark shape (4 layers x 256, 4 heads, block 256, vocabulary 65, biases, tied
head), batch 4 x 256 tokens, eval mode, forward only under torch.inference_mode, 5 warm-up passes then N timed
passes, each synchronised: the same protocol as the binding's InferenceBenchmark. Rows: PyTorch eager, the forward
captured once in a CUDA graph and replayed (torch.cuda.graph, as the binding's graph row), and torch.compile (mode
"default"; its compilation time is reported apart, not in tokens/s). The Harmonic GPT has no
public PyTorch source (spec section 5), so only the standard model has a reference here.

usage: python harmonic_reference.py [--device cpu|cuda] [--json] [--quick] [--iterations N]
"""
import argparse
import json
import math
import platform
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        if hasattr(F, "scaled_dot_product_attention"):
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # libtorch 1.13 (Debian): the composed form
            att = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))
            att = att.masked_fill(~torch.ones(t, t, dtype=torch.bool, device=x.device).tril(), float("-inf"))
            y = F.softmax(att, dim=-1) @ v
        x = x + self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, layers, d, heads, context, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.h = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.size(1), device=ids.device))
        for block in self.h:
            x = block(x)
        return F.linear(self.ln_f(x), self.wte.weight)


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
        with torch.cuda.graph(graph):
            model(ids)

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
    return ids.numel() / (sum(times) / len(times) / 1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    shape = dict(layers=2, d=32, heads=2, context=48, vocab=65) if args.quick else dict(layers=4, d=256, heads=4, context=256, vocab=65)
    model = GPT(**shape).to(device).eval()
    ids = torch.randint(0, shape["vocab"], (4, shape["context"]), device=device)
    results = {"standard": {}}
    with torch.inference_mode():
        results["standard"]["eager"], _ = time_forward(model, ids, args.iterations, device)
    if device.type == "cuda":
        results["standard"]["graph"] = time_graph(model, ids, args.iterations)
    compile_seconds = None
    if hasattr(torch, "compile") and device.type == "cuda":
        compiled = torch.compile(model, mode="default")
        start = time.perf_counter()
        with torch.inference_mode():
            compiled(ids)
            torch.cuda.synchronize()
        compile_seconds = time.perf_counter() - start
        with torch.inference_mode():
            results["standard"]["compile"], _ = time_forward(compiled, ids, args.iterations, device)
    out = {
        "torch_version": torch.__version__,
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
        "results": results,
        "compile_seconds": compile_seconds,
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(out)


if __name__ == "__main__":
    main()
