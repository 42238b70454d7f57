"""PyTorch reference for Dashboard.Families.Benchmarks: the same nGPT, initialised and trained the same way.

The model is src/Worker/Experiments/NGpt (nGPT block, rotary attention, SwiGLU, untied embedding and head, s_z)
written in PyTorch; one training step is: copy the batch in, forward (bf16 autocast if asked), cross entropy,
backward, AdamW (two groups: matrices at 1e-3, the rest at 3e-4), the weight-norm deviation, and the projection of
every unit-norm matrix back onto the sphere (the seed's baseline projects every step).
"eager" is PyTorch's default eager mode; "graph" captures the same step in a CUDA graph (capturable AdamW,
warm-up on a side stream, as PyTorch's documentation describes) for comparison; "compile" and "compile-max" are
torch.compile of the model and of the projection (modes "default" and "max-autotune-no-cudagraphs") with fused AdamW,
the path a PyTorch user gets with one line. Compilation happens in the warm-up steps and is reported apart
(compile_seconds), never in tokens/s. Every row also reports its final loss, so the table can show that each path
computes the same thing.

usage: python reference.py [--device cpu|cuda] [--json] [--quick] [--steps N] [--modes eager,graph,compile,compile-max]
"""
import argparse
import json
import math
import platform
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WARMUP = 10
SEED_SHAPE = dict(layers=8, width=384, heads=8, context=128, batch=16, vocab=50257)
QUICK_SHAPE = dict(layers=2, width=64, heads=4, context=32, batch=4, vocab=256)
ALPHA_INIT, LOGIT_SCALE = 0.28, 10.0


def justnorm(x, dim=-1):
    return x / x.norm(p=2, dim=dim, keepdim=True)


def attention(q, k, v, scale):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
    n = q.size(-2)
    att = (q @ k.transpose(-2, -1)) * scale
    att = att.masked_fill(~torch.ones(n, n, dtype=torch.bool, device=q.device).tril(), float("-inf"))
    return F.softmax(att, dim=-1) @ v


class Rotary(nn.Module):
    def __init__(self, d, context):
        super().__init__()
        inv = 10000 ** (-2 * torch.arange(d // 2, dtype=torch.float64) / d)
        angles = torch.arange(context, dtype=torch.float64)[:, None] * torch.cat([inv, inv])[None, :]
        self.register_buffer("cos", angles.cos().float())
        self.register_buffer("sin", angles.sin().float())

    def forward(self, x):  # (B, nh, T, d)
        n, d = x.size(2), x.size(-1)
        x1, x2 = x[..., : d // 2], x[..., d // 2 :]
        return x * self.cos[:n].to(x.dtype) + torch.cat((-x2, x1), dim=-1) * self.sin[:n].to(x.dtype)


class Block(nn.Module):
    def __init__(self, C, nh, hidden, rotary):
        super().__init__()
        self.C, self.nh, self.d, self.base = C, nh, C // nh, 1 / math.sqrt(C)
        self.rotary = [rotary]  # shared, not a submodule
        self.query = nn.Linear(C, C, bias=False)
        self.key = nn.Linear(C, C, bias=False)
        self.value = nn.Linear(C, C, bias=False)
        self.att_c_proj = nn.Linear(C, C, bias=False)
        self.c_fc = nn.Linear(C, 2 * hidden, bias=False)
        self.mlp_c_proj = nn.Linear(hidden, C, bias=False)
        self.attn_alpha = nn.Parameter(torch.full((C,), self.base))
        self.mlp_alpha = nn.Parameter(torch.full((C,), self.base))
        self.sqk = nn.Parameter(torch.full((C,), self.base))
        self.suv = nn.Parameter(torch.ones(2 * hidden))

    def unit_matrices(self):
        return [(self.query.weight, 1), (self.key.weight, 1), (self.value.weight, 1),
                (self.att_c_proj.weight, 0), (self.c_fc.weight, 1), (self.mlp_c_proj.weight, 0)]

    def update(self, h, suggestion, alpha):
        a, b = justnorm(h), justnorm(suggestion)
        return justnorm(a + torch.abs(alpha * (ALPHA_INIT / self.base)) * (b - a))

    def forward(self, h):
        B, T, C = h.shape
        rope = self.rotary[0]
        q = self.query(h).view(B, T, self.nh, self.d).transpose(1, 2)
        k = self.key(h).view(B, T, self.nh, self.d).transpose(1, 2)
        v = self.value(h).view(B, T, self.nh, self.d).transpose(1, 2)
        sqk = (self.sqk * (1.0 / self.base)).view(1, self.nh, 1, self.d)
        q = sqk * justnorm(rope(q))
        k = sqk * justnorm(rope(k))
        y = attention(q, k, v, math.sqrt(self.d)).transpose(1, 2).contiguous().view(B, T, C)
        h = self.update(h, self.att_c_proj(y), self.attn_alpha)
        u, v = torch.chunk(self.c_fc(h) * (self.suv * math.sqrt(C)), 2, dim=-1)
        return self.update(h, self.mlp_c_proj(u * F.silu(v)), self.mlp_alpha)


class NGPT(nn.Module):
    def __init__(self, layers, width, heads, context, vocab, **_):
        super().__init__()
        hidden = (8 * width // 3 + 7) // 8 * 8
        self.rotary = Rotary(width // heads, context)
        self.wte = nn.Embedding(vocab, width)
        self.blocks = nn.ModuleList([Block(width, heads, hidden, self.rotary) for _ in range(layers)])
        self.lm_head = nn.Linear(width, vocab, bias=False)
        self.base = 1 / math.sqrt(width)
        self.sz = nn.Parameter(torch.full((vocab,), self.base))
        with torch.no_grad():
            for p in self.parameters():
                if p.dim() == 2:
                    p.normal_(0, self.base)
        project(self)

    def unit_matrices(self):
        return [(self.wte.weight, 1), (self.lm_head.weight, 1)] + [m for b in self.blocks for m in b.unit_matrices()]

    def forward(self, tokens):
        h = self.wte(tokens)
        for block in self.blocks:
            h = block(h)
        # s_z * (E_out h) computed as (diag(s_z) E_out) h, as the binding does: fewer elements than the logits.
        return F.linear(h, self.lm_head.weight * (self.sz * (LOGIT_SCALE / self.base)).unsqueeze(1))


@torch.no_grad()
def project(model):
    for w, dim in model.unit_matrices():
        w.div_(w.norm(dim=dim, keepdim=True))


@torch.no_grad()
def deviation(model):
    matrices = model.unit_matrices()
    parts = [(w.norm(dim=dim) - 1.0).abs().sum() for w, dim in matrices]
    return (torch.stack(parts).sum() / sum(w.size(1 - dim) for w, dim in matrices)).float()


COMPILE_MODES = {"compile": "default", "compile-max": "max-autotune-no-cudagraphs"}


def throughput(device, shape, bf16, mode, steps, profile=False):
    """(tokens/s, final loss, compile seconds or None) of one path. profile: the timed steps run inside
    cudaProfilerStart/Stop, the range `ncu --profile-from-start off` records (kernel_profile.py)."""
    graph = mode == "graph"
    compiled = mode in COMPILE_MODES
    torch.manual_seed(0)
    eager_model = NGPT(**shape).to(device)
    matrices = [p for p in eager_model.parameters() if p.dim() >= 2]
    others = [p for p in eager_model.parameters() if p.dim() < 2]
    groups = [dict(params=matrices, lr=1e-3, weight_decay=0.0), dict(params=others, lr=3e-4, weight_decay=0.0)]
    optimizer = (torch.optim.AdamW(groups, fused=True) if compiled else torch.optim.AdamW(groups, capturable=graph))
    model = torch.compile(eager_model, mode=COMPILE_MODES[mode]) if compiled else eager_model
    projection = (torch.compile(lambda: project(eager_model), mode=COMPILE_MODES[mode]) if compiled
                  else (lambda: project(eager_model)))
    B, T, V = shape["batch"], shape["context"], shape["vocab"]
    x = torch.randint(0, 256, (B, T)).to(device)
    y = torch.randint(0, 256, (B, T)).to(device)
    static_x, static_y = torch.zeros_like(x), torch.zeros_like(y)

    def body():
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16, cache_enabled=not graph):
            logits = model(static_x)
            loss = F.cross_entropy(logits.view(-1, V), static_y.view(-1))
        loss.backward()
        optimizer.step()
        return torch.stack([loss.detach().float(), deviation(eager_model)])

    def eager_step():
        static_x.copy_(x)
        static_y.copy_(y)
        optimizer.zero_grad(set_to_none=True)
        metrics = body()
        projection()
        return metrics

    if not graph:
        step = eager_step
    else:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                eager_step()
        torch.cuda.current_stream().wait_stream(side)
        optimizer.zero_grad(set_to_none=True)
        step_graph, projection_graph = torch.cuda.CUDAGraph(), torch.cuda.CUDAGraph()
        with torch.cuda.graph(step_graph):
            static_metrics = body()
        with torch.cuda.graph(projection_graph):
            project(eager_model)

        def step():
            static_x.copy_(x)
            static_y.copy_(y)
            step_graph.replay()
            projection_graph.replay()
            return static_metrics

    compile_seconds = None
    if compiled:
        start = time.perf_counter()
        step().tolist()  # the first step compiles the model and the projection
        compile_seconds = time.perf_counter() - start
    for _ in range(WARMUP - (4 if graph else 0) - (1 if compiled else 0)):
        metrics = step()
    metrics.tolist()
    if profile:
        torch.cuda.profiler.start()
    start = time.perf_counter()
    for _ in range(steps):
        metrics = step()
    loss = metrics.tolist()[0]  # waits for the device
    if profile:
        torch.cuda.profiler.stop()
    seconds = time.perf_counter() - start
    assert math.isfinite(loss), loss
    return steps * B * T / seconds, loss, compile_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--steps", type=int)
    parser.add_argument("--modes", help="comma-separated paths (default: all that the device has)")
    parser.add_argument("--precisions", help="comma-separated: fp32,bf16,tf32 (default: all three on CUDA, tf32 compiled only)")
    parser.add_argument("--profile", action="store_true",
                        help="the timed steps inside a profiled range, for ncu --profile-from-start off (one mode, one precision)")
    args = parser.parse_args()
    device = torch.device(args.device if args.device != "cuda" else "cuda:0")
    shape = QUICK_SHAPE if args.quick else SEED_SHAPE
    steps = args.steps or (5 if args.quick else 100)
    modes = (["eager", "graph", "compile", "compile-max"] if device.type == "cuda" else ["eager"])
    if args.modes:
        modes = [m for m in args.modes.split(",") if m in modes]
    results, losses, compile_seconds = {}, {}, {}
    # tf32: float32 storage with TensorFloat-32 matmuls, PyTorch's opt-in (torch.backends.cuda.matmul.allow_tf32), the
    # counterpart of the binding's `precision: tf32`; torch.compile only (the row its ratio is taken against).
    precisions = ["fp32", "bf16", "tf32"] if device.type == "cuda" else ["fp32"]
    if args.precisions:
        precisions = [p for p in args.precisions.split(",") if p in precisions]
    for precision in precisions:
        row, loss_row, compile_row = {}, {}, {}
        results[precision], losses[precision], compile_seconds[precision] = row, loss_row, compile_row
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        for mode in modes:
            if precision == "tf32" and mode != "compile":
                continue
            try:
                row[mode], loss_row[mode], compile_row[mode] = throughput(device, shape, precision == "bf16", mode, steps, args.profile)
            except Exception as e:  # one failing path (a compiler without a C toolchain, say) must not cost the table
                print(f"{precision} {mode} failed: {e}", file=sys.stderr)
        torch.backends.cuda.matmul.allow_tf32 = False

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else (platform.processor() or "cpu")
    if args.json:
        print(json.dumps({"device_name": name, "torch_version": torch.__version__, "results": results,
                          "losses": losses, "compile_seconds": compile_seconds}))
    else:
        print(f"Device: {name}; PyTorch {torch.__version__}; nGPT {shape}, {steps} timed steps\n")
        print("| Precision | Mode | tokens/s | final loss |\n|---|---|---:|---:|")
        for precision, row in results.items():
            for mode, value in row.items():
                print(f"| {precision} | {mode} | {value:,.0f} | {losses[precision][mode]:.4f} |")


if __name__ == "__main__":
    main()
