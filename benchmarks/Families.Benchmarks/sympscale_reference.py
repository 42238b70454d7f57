"""PyTorch reference for `Dashboard.Families.Benchmarks --family sympscale`: the same training step as the
sympscale family (src/Worker/Experiments/SympScale), float64, at the cr3bp-reliability shape.

One step: a batch of windows (64 × 9 × 4) is rolled out k = 8 steps open loop, the k-step MSE is back-propagated,
gradients are clipped to global norm 1.0, Adam steps. symp: H = ½pᵀLLᵀp + V(q) + Φ(q, 0) with softplus MLPs of
width 110, spectrally normalised weights, closed-form forces, Yoshida-4, Newton projection on the Jacobi integral
(straight-through, 5 iterations); rk4: the same H with RK4; gru: Linear(6→64), equinox-style GRUCell, Linear(64→4),
residual; freeform: MLP(6→w→w→w→4), ReLU, RK4. "eager" is PyTorch's eager mode; "compile" wraps the loss in
torch.compile where it exists (PyTorch 2.x).

usage: python sympscale_reference.py [--device cpu|cuda] [--json] [--quick] [--steps N]
"""
import argparse
import json
import math
import platform
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MU = 0.01215
MEAN = torch.tensor([1.1557, 0.0, 0.0, 0.0], dtype=torch.float64)
STD = torch.tensor([0.02, 0.03, 0.05, 0.04], dtype=torch.float64)
C = 2 ** (1 / 3)
W1, W0 = 1 / (2 - C), -C / (2 - C)
DRIFT, KICK = [W1 / 2, (W0 + W1) / 2, (W0 + W1) / 2, W1 / 2], [W1, W0, W1]


def jacobi(s):
    x, y, vx, vy = s.unbind(-1)
    r1 = ((x + MU) ** 2 + y ** 2).sqrt()
    r2 = ((x - 1 + MU) ** 2 + y ** 2).sqrt()
    return 2 * (0.5 * (x ** 2 + y ** 2) + (1 - MU) / r1 + MU / r2) - vx ** 2 - vy ** 2


def project(z, c0, mean, std, iterations=5):
    target = z.detach()
    for _ in range(iterations):
        with torch.enable_grad():
            x = target.detach().requires_grad_()
            c = jacobi(mean + std * x)
            (g,) = torch.autograd.grad(c.sum(), x)
        r = c.detach() - c0
        target = target - (r / (g.square().sum(1) + 1e-12)).unsqueeze(1) * g
    return z + (target - z.detach())


class SoftplusMlp(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(h, d) * math.sqrt(2 / d)); self.b1 = nn.Parameter(torch.zeros(h))
        self.w2 = nn.Parameter(torch.randn(h, h) * math.sqrt(2 / h)); self.b2 = nn.Parameter(torch.zeros(h))
        self.w3 = nn.Parameter(torch.randn(1, h) * math.sqrt(2 / h)); self.b3 = nn.Parameter(torch.zeros(1))

    def prepare(self, q):
        n = lambda w: w / torch.linalg.matrix_norm(w, 2).clamp_min(1e-12)
        return n(self.w1)[:, :q], n(self.w2), n(self.w3)

    def gradient(self, x, w1, w2, w3):
        z1 = F.linear(x, w1, self.b1)
        z2 = F.linear(F.softplus(z1), w2, self.b2)
        return ((torch.sigmoid(z2) * w3) @ w2 * torch.sigmoid(z1)) @ w1


class Symp(nn.Module):
    def __init__(self, dim=4, a=2, h=110, rk4=False):
        super().__init__()
        self.q, self.rk4 = dim // 2, rk4
        self.l_flat = nn.Parameter(torch.zeros(self.q * (self.q + 1) // 2))
        self.v, self.phi = SoftplusMlp(self.q, h), SoftplusMlp(self.q + a, h)

    def rollout(self, z, steps, c0):
        q_ = self.q
        rows, cols = torch.tril_indices(q_, q_, device=z.device)
        raw = torch.zeros(q_, q_, dtype=z.dtype, device=z.device).index_put((rows, cols), self.l_flat)
        eye = torch.eye(q_, dtype=z.dtype, device=z.device)
        l = raw * (1 - eye) + eye * (F.softplus(raw) + 0.1)
        m = l @ l.T
        pv, pp = self.v.prepare(q_), self.phi.prepare(q_)
        dp = lambda p: p @ m
        dq = lambda q: self.v.gradient(q, *pv) + self.phi.gradient(q, *pp)
        out = []
        for _ in range(steps):
            q, p = z[:, :q_], z[:, q_:]
            if self.rk4:
                k1q, k1p = dp(p), -dq(q)
                k2q, k2p = dp(p + 0.5 * k1p), -dq(q + 0.5 * k1q)
                k3q, k3p = dp(p + 0.5 * k2p), -dq(q + 0.5 * k2q)
                k4q, k4p = dp(p + k3p), -dq(q + k3q)
                q, p = q + (k1q + 2 * k2q + 2 * k3q + k4q) / 6, p + (k1p + 2 * k2p + 2 * k3p + k4p) / 6
            else:
                for i in range(3):
                    q = q + DRIFT[i] * dp(p)
                    p = p - KICK[i] * dq(q)
                q = q + DRIFT[3] * dp(p)
            z = project(torch.cat([q, p], 1), c0, MEAN.to(z.device), STD.to(z.device))
            out.append(z)
        return torch.stack(out, 1)


class Gru(nn.Module):
    def __init__(self, dim=4, a=2, g=64):
        super().__init__()
        self.a, self.g = a, g
        self.enc = nn.Linear(dim + a, g)
        b = 1 / math.sqrt(g)
        self.w_ih = nn.Parameter(torch.empty(3 * g, g).uniform_(-b, b)); self.w_hh = nn.Parameter(torch.empty(3 * g, g).uniform_(-b, b))
        self.b = nn.Parameter(torch.empty(3 * g).uniform_(-b, b)); self.b_n = nn.Parameter(torch.empty(g).uniform_(-b, b))
        self.head = nn.Linear(g, dim)

    def rollout(self, s, steps, c0):
        a = torch.zeros(s.size(0), self.a, dtype=s.dtype, device=s.device)
        h = torch.zeros(s.size(0), self.g, dtype=s.dtype, device=s.device)
        out = []
        for _ in range(steps):
            ir, iz, i_n = F.linear(self.enc(torch.cat([s, a], 1)), self.w_ih, self.b).chunk(3, 1)
            hr, hz, hn = F.linear(h, self.w_hh).chunk(3, 1)
            r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
            n = torch.tanh(i_n + r * (hn + self.b_n))
            h = n + z * (h - n)
            s = s + self.head(h)
            out.append(s)
        return torch.stack(out, 1)


class Freeform(nn.Module):
    def __init__(self, dim=4, a=2, w=None):
        super().__init__()
        self.a = a
        self.net = nn.Sequential(nn.Linear(dim + a, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU(), nn.Linear(w, dim))

    def rollout(self, z, steps, c0):
        a = torch.zeros(z.size(0), self.a, dtype=z.dtype, device=z.device)
        f = lambda x: self.net(torch.cat([x, a], 1))
        out = []
        for _ in range(steps):
            k1 = f(z); k2 = f(z + 0.5 * k1); k3 = f(z + 0.5 * k2); k4 = f(z + k3)
            z = z + (k1 + 2 * k2 + 2 * k3 + k4) / 6
            out.append(z)
        return torch.stack(out, 1)


def freeform_width(target, dim=4, a=2):
    count = lambda w: (dim + a) * w + w + 2 * (w * w + w) + w * dim + dim
    return min(range(1, 2000), key=lambda w: abs(count(w) - target))


def build(name):
    return {"symp": lambda: Symp(), "rk4": lambda: Symp(rk4=True), "gru": lambda: Gru(), "freeform": lambda: Freeform(w=freeform_width(25525))}[name]()


def measure(name, device, steps, compiled):
    torch.manual_seed(1)
    model = build(name).to(device=device, dtype=torch.float64)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    hamiltonian = name in ("symp", "rk4")

    def loss_of(window):
        z0, truth = window[:, 0], window[:, 1:]
        c0 = jacobi(MEAN.to(device) + STD.to(device) * z0)
        sq = (model.rollout(z0, truth.size(1), c0) - truth).square()
        return sq[..., :2].mean() + sq[..., 2:].mean() if hamiltonian else sq.mean()

    loss_fn = torch.compile(loss_of) if compiled else loss_of
    gen = torch.Generator(device="cpu").manual_seed(0)

    def step():
        window = (torch.randn(64, 9, 4, generator=gen, dtype=torch.float64) * 0.5).to(device)
        opt.zero_grad(set_to_none=True)
        loss_fn(window).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args()
    device = torch.device(args.device)
    steps = args.steps or (5 if args.quick else 50)
    results = {}
    for name in ["symp", "gru", "rk4", "freeform"]:
        results[name] = {"eager": measure(name, device, steps, False)}
        if hasattr(torch, "compile") and not args.quick:
            try:
                results[name]["compile"] = measure(name, device, steps, True)
            except Exception as e:  # one failing mode must not cost the table
                results[name]["compile_error"] = str(e).splitlines()[0]
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    report = {"torch_version": torch.__version__, "device_name": name, "results": results}
    print(json.dumps(report) if args.json else json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
