"""PyTorch reference for the residual-streams demo row: seed 002's demo_mhc.yaml run (24-layer mHC, d_model 128,
d_ff 512, 4 heads, 4 streams, vocab 256, seq 64, batch 32, AdamW 1e-3 / 0.01, 50 steps) as the seed's train.py runs
it, timed on the same device as the binding's row.

The model is the seed's (spec 002: transformer_block.py, mhc.py, model_mhc.py; the same PyTorch model the worker
tests compare the binding with in float64). Each step is the seed's loop: a fresh batch from the torch generator,
zero_grad, forward, cross entropy, backward, AdamW, then the metrics read on the host (loss, grad norm, the gain proxy
log10 max |H_res,L ⋯ H_res,1|, the NaN/Inf check). "seconds" is the whole run from building the model to the last
step's metrics; "eager" is PyTorch's default mode, "compile" the same loop over torch.compile(model) (mode default),
whose compilation (the extra time of its first step over eager's) is reported apart as well.

usage: python mhc_reference.py [--device cpu|cuda] [--json] [--steps N] [--modes eager,compile]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DEMO = dict(depth=24, C=128, d_ff=512, heads=4, streams=4, vocab=256, T=64, B=32, lr=1e-3, wd=0.01, iters=20, seed=42)


class Block(nn.Module):  # transformer_block.py: pre-norm, returns x + attn + ff
    def __init__(self, C, heads, d_ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(C)
        self.attn = nn.MultiheadAttention(C, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(C)
        self.ff = nn.Sequential(nn.Linear(C, d_ff), nn.GELU(), nn.Linear(d_ff, C))

    def forward(self, x):  # (B, T, C)
        T = x.size(1)
        mask = torch.triu(torch.full((T, T), float("-inf"), device=x.device), diagonal=1)
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        x = x + a
        return x + self.ff(self.ln2(x))


def sinkhorn(A, iters):
    for _ in range(iters):
        A = A / A.sum(dim=1, keepdim=True).clamp(min=1e-12)
        A = A / A.sum(dim=0, keepdim=True).clamp(min=1e-12)
    return A


class Mixer(nn.Module):  # mhc.py: static logits, y_s = sum_k H[s, k] x_k
    def __init__(self, S, mode, iters):
        super().__init__()
        self.mode, self.iters = mode, iters
        self.logits = nn.Parameter(2 * torch.eye(S) - 1)

    def matrix(self):
        if self.mode == "softmax_row":
            return torch.softmax(self.logits, dim=1)
        return sinkhorn(torch.exp(self.logits), self.iters)


def mix(H, x):  # (S, S) and (B, T, S, C)
    return torch.einsum("sk,btkc->btsc", H, x)


class Layer(nn.Module):  # model_mhc.py
    def __init__(self, cfg):
        super().__init__()
        self.S = cfg["streams"]
        self.block = Block(cfg["C"], cfg["heads"], cfg["d_ff"])
        self.h_pre = Mixer(self.S, "softmax_row", cfg["iters"])
        self.h_post = Mixer(self.S, "softmax_row", cfg["iters"])
        self.h_res = Mixer(self.S, "sinkhorn", cfg["iters"])

    def forward(self, x):  # (B, T, S, C)
        merged = mix(self.h_pre.matrix(), x).mean(dim=2)  # (B, T, C)
        f = self.block(merged)
        f_rep = f.unsqueeze(2).expand(-1, -1, self.S, -1)  # (B, T, S, C)
        return mix(self.h_res.matrix(), x) + mix(self.h_post.matrix().t(), f_rep)


class TinyLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.S = cfg["streams"]
        self.embed = nn.Embedding(cfg["vocab"], cfg["C"])
        self.pos = nn.Parameter(torch.randn(cfg["T"], cfg["C"]) * 0.01)
        self.layers = nn.ModuleList([Layer(cfg) for _ in range(cfg["depth"])])
        self.ln_f = nn.LayerNorm(cfg["C"])
        self.head = nn.Linear(cfg["C"], cfg["vocab"], bias=False)

    def forward(self, tokens):  # (B, T) -> (B, T, vocab)
        x = self.embed(tokens) + self.pos[: tokens.size(1)]
        x = x.unsqueeze(2).expand(-1, -1, self.S, -1)  # (B, T, S, C)
        for layer in self.layers:
            x = layer(x)
        return self.head(self.ln_f(x.mean(dim=2)))


def gain_proxy(model):  # metrics.py: log10 max |H_res,L ... H_res,1|, float32 on the device
    with torch.no_grad():
        P = None
        for layer in model.layers:
            H = layer.h_res.matrix()
            P = H if P is None else H @ P
        return math.log10(max(P.abs().max().item(), 1e-12))


def run(device, cfg, steps, mode):
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync()
    start = time.perf_counter()
    torch.manual_seed(cfg["seed"])
    model = TinyLM(cfg).to(device)
    step_fn = torch.compile(model) if mode == "compile" else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["wd"])
    first_step = None
    loss_value = float("nan")
    for step in range(steps):
        step_start = time.perf_counter()
        starts = torch.randint(0, cfg["vocab"], (cfg["B"], 1), device=device)
        seq = (starts + torch.arange(cfg["T"] + 1, device=device)) % cfg["vocab"]
        x, y = seq[:, :-1], seq[:, 1:]
        optimizer.zero_grad(set_to_none=True)
        logits = step_fn(x)
        loss = F.cross_entropy(logits.reshape(-1, cfg["vocab"]), y.reshape(-1))
        loss.backward()
        optimizer.step()
        grad_norm = math.sqrt(sum(float((p.grad.float() ** 2).sum()) for p in model.parameters() if p.grad is not None))
        loss_value = loss.item()
        bad = not math.isfinite(loss_value) or bool(torch.isnan(logits).any() or torch.isinf(logits).any())
        _ = (gain_proxy(model), grad_norm, bad)
        if step == 0:
            first_step = time.perf_counter() - step_start
    sync()
    seconds = time.perf_counter() - start
    return dict(seconds=seconds, first_step_seconds=first_step, final_loss=loss_value)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--modes", help="comma-separated: eager,compile (default: compile only on CUDA)")
    args = parser.parse_args()
    device = torch.device(args.device)
    modes = args.modes.split(",") if args.modes else ["eager"] + (["compile"] if device.type == "cuda" and hasattr(torch, "compile") else [])
    results = {}
    if device.type == "cuda":
        torch.zeros(1, device=device)  # the CUDA context is not the run's: the binding's row starts with one, too
    run(device, DEMO, 2, "eager")  # warm the process (kernels loaded), as the binding's row runs after other rows
    for mode in modes:
        try:
            results[mode] = run(device, DEMO, args.steps, mode)
        except Exception as e:  # a mode this PyTorch cannot run is reported, not fatal
            results[mode] = dict(error=str(e).splitlines()[0])
    if "eager" in results and "compile" in results and "seconds" in results["compile"]:
        eager = results["eager"]
        results["compile"]["compile_seconds"] = results["compile"]["first_step_seconds"] - eager["first_step_seconds"]
    out = dict(torch_version=torch.__version__, device=str(device), steps=args.steps, modes=results,
               device_name=torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu")
    print(json.dumps(out) if args.json else json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
