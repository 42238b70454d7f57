"""PyTorch reference for `Dashboard.Families.Benchmarks --family hhml`: one HHmL training cycle (seed 000) as the
hhml family computes it (src/Worker/Experiments/Hhml/HhmlTrainer.Step), fp32, at the baseline (2 x 2,000 nodes,
H 512, 10,333,112 parameters) and h200-scaled (10 x 2,000 nodes, H 6,144, 1,214,808,120 parameters) shapes.

Setup (not timed, as the binding's trainer is built before its cycles): the tokamak Mobius strips (periodic cubic
splines through 12 control points, Miller D-shape, half twist; float64), the neighbour graph (every j != i within the
seed's radius, capped per node by the largest helical weight, ties to the lower index; float64 distances, built on the
device in row blocks), amplitudes 2, phases U[0, 2pi), frequencies N(1.5, 0.3^2), the field (as-run: 0; intended:
1·e^{i phase}); the agent (nn.LSTM(S·128, H, 4) run on a length-1 sequence from a zero state, per-strip Linear(H, n)
+ tanh heads, control head H-512-256-23, value head H-1) and Adam (lr 1e-4) over the LSTM and the value head.

One cycle (what "s / cycle" holds, on both sides): encode the state (64 random nodes per strip, |psi| and arg psi);
the agent's forward; exploration noise on the 23 mapped controls (read on the host, as the binding reads them);
as-run: strip amplitudes x (1 + 0.2 a_s[0]), phases + 0.1 a_s[1], then the sparse wave propagation with the seed's
positional arguments, computed and discarded; intended: every head output moves its node's amplitude (clamped to
[0.1, 5]), phases + 0.1 a_s[1], the propagation with the keyword arguments, written back (NaN -> 0, +-inf -> +-1);
the controlled annihilation (a vortex-quality pass over the vortices x nodes distance tiles, then the k worst removed);
the vortex metrics (a second quality pass, means over a random sample of min(5000, #vortices)); the reward on the
host; loss = -value·R, backward, clip_grad_norm_(1.0), Adam step, and the value, loss and gradient norm read back.
Quality passes are blocked as the binding blocks them (2^24 elements a tile, float64 neighbourhood sums by matmul).

Rows: "eager" is PyTorch eager (Adam with its default multi-tensor path on CUDA); "compile" is torch.compile (mode
default) of the agent's forward (its backward through AOTAutograd; nn.LSTM itself runs as Dynamo leaves RNN modules by
default: cuDNN) and of the cycle's tensor functions (state encoding, the quality tile, its statistics, the annihilation
reach tile, the wave propagation; dynamic shapes where the vortex and sample counts vary), with fused Adam, as
reference.py pairs torch.compile with fused AdamW. What depends on counts read back (vortices, candidates, k) stays
Python between the compiled pieces, as in the seed and the binding. The compiled pieces are compiled once before the
warm-up on inputs of the run's shapes; that time is "compile_seconds", never in s/cycle. No CUDA-graph row: the cycle's
control flow and tensor sizes are decided on the host from values of the same cycle. Timing: warm-up cycles, then each
timed cycle synchronised; the median, as the binding's HhmlBenchmark (median = the upper middle of the sorted times).

usage: python hhml_reference.py [--device cpu|cuda] [--json] [--quick] [--warmup N] [--cycles N]
                                [--configs baseline,h200-scaled] [--modes as-run,intended] [--rows eager,compile]
"""
import argparse
import gc
import json
import math
import platform
import time

import torch
import torch.nn as nn

# name: (strips, nodes per strip, hidden); the quick shapes are HhmlBenchmark.Quick's.
FULL = {"baseline": (2, 2000, 512), "h200-scaled": (10, 2000, 6144)}
QUICK = {"baseline": (2, 200, 64), "h200-scaled": (4, 200, 128)}
LAYERS, SAMPLES, CONTROLS = 4, 64, 23
LEARNING_RATE, GRAD_CLIP, EXPLORATION = 1e-4, 1.0, 0.05
QUALITY_RADIUS, VORTEX_THRESHOLD = 0.5, 0.3
KAPPA, DELTA, MINOR_RADIUS, INITIAL_AMPLITUDE = 1.5, 0.3, 0.06, 1.0
TILE_ELEMENTS = 1 << 24  # HhmlScale.QualityTileElements
CONTROL_POINTS = 12


def neighbour_rule(nodes):
    """The seed's rule (HhmlScale.SeedNeighbourRule): radius and per-node cap."""
    return (0.8, min(1000, nodes // 2)) if nodes < 5000 else (0.6, min(2000, int(math.sqrt(nodes) * 20)))


# ----------------------------------------------------------------------------------------------------- geometry


def periodic_spline(knots, values):
    """Second derivatives of scipy's CubicSpline(bc_type='periodic') through (knots, values), values[-1] == values[0]."""
    m = len(knots) - 1
    h = [knots[i + 1] - knots[i] for i in range(m)]
    y = lambda i: values[i % m]
    a = torch.zeros(m, m, dtype=torch.float64)
    b = torch.zeros(m, dtype=torch.float64)
    for i in range(m):
        h_prev, h_i = h[(i - 1) % m], h[i]
        a[i, (i - 1) % m] += h_prev
        a[i, i] += 2 * (h_prev + h_i)
        a[i, (i + 1) % m] += h_i
        b[i] = 6 * ((y(i + 1) - y(i)) / h_i - (y(i) - y(i - 1)) / h_prev)
    second = torch.linalg.solve(a, b)
    return torch.cat([second, second[:1]])


def spline_at(knots, values, second, u):
    x = torch.tensor(knots, dtype=torch.float64)
    yv = torch.tensor(values, dtype=torch.float64)
    i = (torch.searchsorted(x, u, right=True) - 1).clamp(0, len(knots) - 2)
    h = x[i + 1] - x[i]
    left, right = x[i + 1] - u, u - x[i]
    mi, mj, yi, yj = second[i], second[i + 1], yv[i], yv[i + 1]
    return (mi * left ** 3 / (6 * h) + mj * right ** 3 / (6 * h)
            + (yi / h - mi * h / 6) * left + (yj / h - mj * h / 6) * right)


def tokamak_strips(strips, n):
    """(S·n, 3) float64 node positions, strip by strip (TokamakStrips.Build)."""
    u = 2 * math.pi * torch.arange(n, dtype=torch.float64) / (n - 1) if n > 1 else torch.zeros(1, dtype=torch.float64)
    out = []
    for k in range(strips):
        knots, theta, phi, r = [], [], [], []
        for i in range(CONTROL_POINTS + 1):
            knots.append(2 * math.pi * i / CONTROL_POINTS)
            c = 2 * math.pi * (i % CONTROL_POINTS) / CONTROL_POINTS
            phi.append(c + 0.08 * math.sin(3 * c + k * math.pi / 4))
            theta.append(math.pi / 2 + (0.2 + 0.05 * k) * math.cos(2 * c + k * math.pi / 3))
            r.append((1.0 - k * 0.04) * (1 + 0.03 * math.sin(c + k * math.pi / 6)))
        theta_c, phi_c, major = (spline_at(knots, v, periodic_spline(knots, v), u) for v in (theta, phi, r))
        orientation = 1.0 if k % 2 == 0 else -1.0
        r_total = major + orientation * MINOR_RADIUS * (1 + DELTA * torch.cos(u))
        azimuth = phi_c + 0.5 * u
        out.append(torch.stack([r_total * torch.sin(theta_c) * torch.cos(azimuth),
                                r_total * torch.sin(theta_c) * torch.sin(azimuth),
                                r_total * torch.cos(theta_c) + KAPPA * MINOR_RADIUS * torch.sin(u)], 1))
    return torch.cat(out)


def neighbour_graph(positions, radius, cap):
    """Edge lists (source, target, float32 distance), sorted by source then target (NeighbourGraph.Build)."""
    n = positions.size(0)
    theta = 2 * math.pi * torch.log(torch.arange(n, dtype=torch.float64, device=positions.device) + 1) / math.log(n + 1)
    rows = max(1, TILE_ELEMENTS // n)
    sources, targets, distances = [], [], []
    for start in range(0, n, rows):
        count = min(rows, n - start)
        centre = positions[start:start + count]
        squared = ((positions[:, 0].unsqueeze(0) - centre[:, 0:1]).square() + (positions[:, 1].unsqueeze(0) - centre[:, 1:2]).square()
                   + (positions[:, 2].unsqueeze(0) - centre[:, 2:3]).square())
        candidate = squared <= radius * radius
        own = torch.arange(count, device=positions.device)
        candidate[own, start + own] = False
        capped = candidate.sum(1) > cap
        keep = candidate
        if bool(capped.any()):
            omega = 0.3 * (1 + torch.exp(-squared.sqrt() / radius))
            weight = torch.cos(omega * (theta[start:start + count].unsqueeze(1) - theta.unsqueeze(0)))
            # Heaviest first; a stable sort keeps ties in index order, so ties go to the lower index.
            order = weight.masked_fill(~candidate, -math.inf).sort(dim=1, descending=True, stable=True).indices[:, :cap]
            best = torch.zeros_like(candidate).scatter_(1, order, True) & candidate
            keep = torch.where(capped.unsqueeze(1), best, candidate)
        row, col = keep.nonzero(as_tuple=True)
        sources.append(row + start)
        targets.append(col)
        distances.append(squared[row, col].sqrt().float())
    return torch.cat(sources), torch.cat(targets), torch.cat(distances)


# ----------------------------------------------------------------------------------------------------- agent


class Agent(nn.Module):
    """The seed's MultiStripRNNAgent (HhmlAgent): parameter names and shapes as its state_dict."""

    def __init__(self, strips, n, hidden, device):
        super().__init__()
        self.lstm = nn.LSTM(strips * SAMPLES * 2, hidden, LAYERS, batch_first=True, device=device)
        self.amplitude_heads = nn.ModuleList(nn.Linear(hidden, n, device=device) for _ in range(strips))
        self.control_head = nn.Sequential(nn.Linear(hidden, 512, device=device), nn.ReLU(), nn.Linear(512, 256, device=device),
                                          nn.ReLU(), nn.Linear(256, CONTROLS, device=device))
        self.value_head = nn.Linear(hidden, 1, device=device)
        self.lstm.flatten_parameters()  # cuDNN's one contiguous weight buffer, as .to(device) leaves it

    def trained(self):
        """The LSTM and the value head: the only parameters the loss -value·R reaches."""
        return list(self.lstm.parameters()) + list(self.value_head.parameters())

    def forward(self, state):
        output, _ = self.lstm(state.unsqueeze(1))  # (1, 1, H), zero initial state
        features = output[:, 0]
        value = self.value_head(features).reshape(())
        with torch.no_grad():
            detached = features.detach()
            actions = torch.cat([torch.tanh(head(detached)) for head in self.amplitude_heads], 0)  # (S, n)
            control = self.control_head(detached).reshape(-1)  # 23 raw outputs
        return value, actions, control


def map_controls(raw, noise):
    """map_control_params (ControlParameters.Map), noise added to the mapped values."""
    s = lambda x: 1 / (1 + math.exp(min(-x, 709.0)))  # C#'s Math.Exp gives +inf where Python's would raise
    r = raw
    v = [1 + s(r[0]), 0.5 * s(r[1]), 0.5 + 0.3 * s(r[2]), 1 + 9 * s(r[3]),
         0.01 + 0.19 * s(r[4]), 2 * math.tanh(r[5]), 0.1 + 2.9 * s(r[6]), s(r[7]),
         0.1 + 0.9 * s(r[8]), 0.01 + 0.49 * s(r[9]), s(r[10]),
         0.01 + 0.49 * s(r[11]), 0.1 + 1.9 * s(r[12]), 0.1 + 0.4 * s(r[13]),
         s(r[14]), s(r[15]),
         0.5 + 2 * s(r[16]), 0.5 + 1.5 * s(r[17]), s(r[18]),
         s(r[19]), 0.1 + 0.9 * s(r[20]), s(r[21]), 0.3 + 0.6 * s(r[22])]
    if noise is not None:
        v = [a + b for a, b in zip(v, noise)]
    names = ["damping", "nonlinearity", "amp_variance", "sample_ratio", "sparsity_threshold", "antivortex_strength",
             "annihilation_radius", "pruning_threshold", "preserve_ratio"]
    return dict(zip(names, [v[4], v[5], v[6], v[11], v[13], v[19], v[20], v[21], v[22]]))


def truncate(x):
    """C#'s (long) of a double (.NET 9+ saturates): NaN -> 0, where Python's int() raises. A diverged intended run
    (NaN controls) goes on, as the binding's does."""
    return 0 if math.isnan(x) else int(max(-2.0 ** 63, min(2.0 ** 63 - 1, x)))


def reward(density, nbh, core, stab, quality, removed, at_target):
    """compute_quality_guided_reward (QualityReward.Compute): the total."""
    rho = density
    r_density = 300 * rho if 0.95 <= rho <= 1.0 else 200 * rho if rho >= 0.85 else 100 * rho
    return (r_density + 150 * nbh + 150 * core + 150 * stab + 200 * quality * rho - 50.0 * removed
            + (min(200, at_target * 20) if rho >= 0.95 else 0) + (500 if removed == 0 and rho >= 0.95 else 0))


# ----------------------------------------------------------------------------------------------------- tensor functions
# The pieces torch.compile gets. Per-cycle numbers come in as tensors, so a new value is not a new graph.


def encode_state(field_re, field_im, strips, n):
    """(1, S·2·64): per strip |psi| and arg psi at 64 nodes drawn without replacement (StripEnvironment.EncodeState)."""
    drawn = min(SAMPLES, n)
    local = torch.rand(strips, n, device=field_re.device).topk(drawn, dim=1).indices
    re, im = field_re.view(strips, n).gather(1, local), field_im.view(strips, n).gather(1, local)
    state = torch.stack([(re.square() + im.square()).sqrt(), torch.atan2(im, re)], 1)  # (S, 2, k)
    if drawn < SAMPLES:
        state = torch.cat([state, torch.zeros(strips, 2, SAMPLES - drawn, device=field_re.device)], 2)
    return state.reshape(1, strips * 2 * SAMPLES)


def within(positions, centres, r2, exclude_self):
    """(B, N): node j strictly within the radius of centre b (float32 coordinate differences, VortexQuality.Within)."""
    squared = (centres[:, 0:1] - positions[:, 0].unsqueeze(0)).square()
    squared = squared + (centres[:, 1:2] - positions[:, 1].unsqueeze(0)).square()
    squared = squared + (centres[:, 2:3] - positions[:, 2].unsqueeze(0)).square()
    near = squared < r2
    return near & (squared > 0) if exclude_self else near


def vortex_stats(magnitude, threshold):
    """[vortex indicator, |psi|, |psi|^2, 1] per node, float64, and the indicator."""
    is_vortex = magnitude < threshold
    m64 = magnitude.double()
    return is_vortex, torch.stack([is_vortex.double(), m64, m64.square(), torch.ones_like(m64)], 1)


def quality_tile(positions, centres, stats, r2):
    """The neighbourhood sums of a block of vortices: (B, 4) float64."""
    return within(positions, centres, r2, True).double() @ stats


def quality_finish(sums, core_magnitude):
    """nbh, core, stab, q per vortex from the neighbourhood sums (VortexQuality.Score)."""
    members = sums[:, 3]
    safe = members.clamp_min(1)
    nbh = sums[:, 0] / safe
    mean = sums[:, 1] / safe
    variance = ((sums[:, 2] - members * mean.square()) / (members - 1).clamp_min(1)).clamp_min(0)
    stab = torch.where(members >= 2, (1.0 - variance.sqrt()).clamp_min(0), torch.zeros_like(variance))
    core = 1.0 - core_magnitude
    return nbh, core, stab, nbh * 0.4 + core * 0.3 + stab * 0.3


def reach_tile(positions, centres, r2):
    """How many of a block of removed vortices reach each node: (N,) int64."""
    return within(positions, centres, r2, False).sum(0)


def propagate(amplitudes, phases, field_re, field_im, edge_source, edge_target, edge_distance, degree, index, knobs):
    """_sparse_wave_propagation (StripEnvironment.Propagate) on the nodes in index. knobs: [1 - damping or 1,
    nonlinearity, |nonlinearity| > 0.01] (float32); the host decides the seed's branches and passes their outcome."""
    weights = amplitudes[edge_target] / (edge_distance + 0.05)
    adjacency = torch.zeros_like(amplitudes).scatter_add(0, edge_source, weights)
    magnitude = (field_re.square() + field_im.square()).sqrt()[index]
    f = magnitude - (degree[index] * magnitude - adjacency[index]) * 0.1
    f = f * knobs[0]
    f = torch.where(knobs[2] > 0, f + f * magnitude * knobs[1], f)
    phase = phases[index]
    return f * phase.cos(), f * phase.sin()


class Functions:
    """The cycle's tensor functions, eager or each wrapped in torch.compile (mode default)."""

    def __init__(self, compiled):
        wrap = (lambda f, dynamic: torch.compile(f, dynamic=dynamic)) if compiled else (lambda f, dynamic: f)
        self.encode_state = wrap(encode_state, False)
        self.vortex_stats = wrap(vortex_stats, True)
        self.quality_tile = wrap(quality_tile, True)
        self.quality_finish = wrap(quality_finish, True)
        self.reach_tile = wrap(reach_tile, True)
        self.propagate = wrap(propagate, True)


def compiled_parts():
    """Which parts of the cycle the compile row compiles, in words (for the JSON)."""
    rnn = getattr(getattr(getattr(torch, "_dynamo", None), "config", None), "allow_rnn", None)
    lstm = ("nn.LSTM traced by Dynamo" if rnn else
            "nn.LSTM left to eager cuDNN by Dynamo (allow_rnn off, its default), the heads compiled")
    return ("the agent's forward and, through AOTAutograd, its backward (" + lstm + "); state encoding; vortex statistics; "
            "the quality tile (distances, threshold, float64 matmul); the quality scores; the annihilation reach tile; the wave "
            "propagation; fused Adam. Eager between them: vortex selection, the k worst, the reward, writes into the field, "
            "clip_grad_norm_.")


# ----------------------------------------------------------------------------------------------------- the cycle


class Strips:
    """The strips' state on the device (StripEnvironment)."""

    def __init__(self, geometry, intended, fn):
        positions64, self.edge_source, self.edge_target, self.edge_distance, self.degree, self.strips, self.n = geometry
        device = positions64.device
        self.fn = fn
        self.nodes = self.strips * self.n
        self.positions = positions64.float()
        self.amplitudes = torch.full((self.nodes,), 2.0, device=device)
        self.phases = torch.rand(self.nodes, device=device) * (2 * math.pi)
        self.frequencies = torch.randn(self.nodes, device=device) * 0.3 + 1.5  # drawn as the seed; never read
        start = INITIAL_AMPLITUDE if intended else 0.0
        self.field_re, self.field_im = self.phases.cos() * start, self.phases.sin() * start

    def magnitude(self):
        return (self.field_re.square() + self.field_im.square()).sqrt()

    def scalar(self, value):
        return torch.tensor(value, dtype=torch.float32, device=self.positions.device)

    def score(self, threshold, radius):
        """(vortex indices, nbh, core, stab, q) of every node with |psi| < threshold; None when there are none."""
        magnitude = self.magnitude()
        is_vortex, stats = self.fn.vortex_stats(magnitude, self.scalar(threshold))
        vortices = is_vortex.nonzero().squeeze(1)
        m = vortices.numel()
        if m == 0:
            return None
        sums = torch.empty(m, 4, dtype=torch.float64, device=magnitude.device)
        rows = max(1, TILE_ELEMENTS // self.nodes)
        r2 = self.scalar(radius * radius)
        for start in range(0, m, rows):
            count = min(rows, m - start)
            sums[start:start + count] = self.fn.quality_tile(self.positions, self.positions[vortices[start:start + count]], stats, r2)
        return (vortices, *self.fn.quality_finish(sums, magnitude.double()[vortices]))

    def measure(self):
        """(density, nbh, core, stab, q) (VortexQuality.Measure)."""
        scores = self.score(VORTEX_THRESHOLD, QUALITY_RADIUS)
        if scores is None:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        vortices, nbh, core, stab, quality = scores
        count = vortices.numel()
        sample = torch.randperm(count, device=vortices.device)[:min(5000, count)]
        means = torch.stack([nbh[sample].mean(), core[sample].mean(), stab[sample].mean(), quality.mean()]).tolist()
        return (count / self.nodes, *means)

    def annihilate(self, cp):
        """controlled_annihilation (Annihilation.Apply): the number removed."""
        s = cp["antivortex_strength"]
        if s < 0.2:
            return 0
        scores = self.score(cp["sparsity_threshold"], QUALITY_RADIUS)
        if scores is None:
            return 0
        vortices, _, _, _, quality = scores
        candidate = quality < cp["pruning_threshold"]
        candidates = int(candidate.sum())
        k = max(0, min(candidates, truncate(vortices.numel() * (1.0 - cp["preserve_ratio"]))))
        if k == 0:
            return 0
        worst = quality.masked_fill(~candidate, math.inf).topk(k, largest=False).indices
        removed = vortices[worst]
        reached = torch.zeros(self.nodes, dtype=torch.int64, device=vortices.device)
        rows = max(1, TILE_ELEMENTS // self.nodes)
        r2 = self.scalar(cp["annihilation_radius"] * cp["annihilation_radius"])
        for start in range(0, k, rows):
            reached += self.fn.reach_tile(self.positions, self.positions[removed[start:start + rows]], r2)
        factor = self.scalar(1 - 2 * s).pow(reached)
        self.field_re.mul_(factor)
        self.field_im.mul_(factor)
        return k

    def propagate(self, sample_ratio, damping, nonlinearity):
        m = min(max(1, truncate(self.nodes * sample_ratio)), self.nodes)
        index = torch.randperm(self.nodes, device=self.positions.device)[:m]
        knobs = torch.tensor([1.0 - damping if damping > 0 else 1.0, nonlinearity, 1.0 if abs(nonlinearity) > 0.01 else 0.0],
                             dtype=torch.float32, device=self.positions.device)
        re, im = self.fn.propagate(self.amplitudes, self.phases, self.field_re, self.field_im, self.edge_source, self.edge_target,
                                   self.edge_distance, self.degree, index, knobs)
        return re, im, index


class Trainer:
    """HhmlTrainer: one cycle per step()."""

    def __init__(self, geometry, hidden, intended, cycles, device, compiled):
        self.fn = Functions(compiled)
        self.strips = Strips(geometry, intended, self.fn)
        self.agent = Agent(self.strips.strips, self.strips.n, hidden, device)
        self.forward = torch.compile(self.agent) if compiled else self.agent
        self.trained = self.agent.trained()
        self.optimizer = torch.optim.Adam(self.trained, lr=LEARNING_RATE, **({"fused": True} if compiled else {}))
        self.intended, self.cycles, self.device = intended, cycles, device
        self.at_target = 0

    def step(self, cycle):
        s = self.strips
        state = self.fn.encode_state(s.field_re, s.field_im, s.strips, s.n)
        value, actions, raw = self.forward(state)
        epsilon = EXPLORATION * (1.0 - (cycle - 1) / self.cycles)
        if epsilon > 0:
            noise = torch.randn(CONTROLS, device=self.device) * (epsilon * 0.3)
            numbers = torch.cat([raw, noise]).tolist()
            cp = map_controls(numbers[:CONTROLS], numbers[CONTROLS:])
        else:
            cp = map_controls(raw.tolist(), None)
        with torch.no_grad():
            if self.intended:
                s.amplitudes.add_(actions.reshape(-1), alpha=0.05 * cp["amp_variance"]).clamp_(0.1, 5.0)
                s.phases.view(s.strips, s.n).add_(actions[:, 1:2] * 0.1)
                re, im, index = s.propagate(cp["sample_ratio"], cp["damping"], cp["nonlinearity"])
                s.field_re.index_copy_(0, index, torch.nan_to_num(re, nan=0.0, posinf=1.0, neginf=-1.0))
                s.field_im.index_copy_(0, index, torch.nan_to_num(im, nan=0.0, posinf=1.0, neginf=-1.0))
            else:
                s.amplitudes.view(s.strips, s.n).mul_(1 + actions[:, 0:1] * 0.2)
                s.phases.view(s.strips, s.n).add_(actions[:, 1:2] * 0.1)
                # evolve_field(omega, damping, nonlinearity, 1) onto (t, sample_ratio, damping, nonlinearity): discarded.
                s.propagate(cp["damping"], cp["nonlinearity"], 1.0)
            removed = s.annihilate(cp)
            density, nbh, core, stab, quality = s.measure()
        total = reward(density, nbh, core, stab, quality, removed, self.at_target)
        self.at_target = self.at_target + 1 if density >= 0.95 else 0
        loss = value * -total
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(self.trained, GRAD_CLIP)
        self.optimizer.step()
        value_, loss_, norm_ = torch.stack([value.detach(), loss.detach(), grad_norm.to(value.dtype)]).tolist()
        return {"reward": total, "density": density, "removed": removed, "value": value_, "loss": loss_, "grad_norm": norm_}

    def compile_now(self):
        """Compiles every piece on inputs of this run's shapes, one centre / one node where a count can reach 1 (a size
        of 1 is a graph of its own), and checks each against eager PyTorch on the same inputs: a compiled cycle that
        computes something else is not timed (RuntimeError). No optimizer step; the strips are left as they were."""
        s, fn = self.strips, self.fn
        differ = []

        def same(name, ours, theirs, rtol, atol):
            for a, b in zip(ours, theirs):
                if a.shape != b.shape or not torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol, equal_nan=True):
                    gap = (a.double() - b.double()).abs().max().item() if a.shape == b.shape else f"shape {tuple(a.shape)} vs {tuple(b.shape)}"
                    differ.append(f"{name} (max |diff| {gap})")
                    return

        state = fn.encode_state(s.field_re, s.field_im, s.strips, s.n)
        value, actions, control = self.forward(state)
        value.backward()
        grads = [self.agent.value_head.weight.grad.clone(), getattr(self.agent.lstm, f"bias_hh_l{LAYERS - 1}").grad.clone()]
        self.optimizer.zero_grad(set_to_none=True)
        eager_value, eager_actions, eager_control = self.agent(state)
        eager_value.backward()
        eager_grads = [self.agent.value_head.weight.grad, getattr(self.agent.lstm, f"bias_hh_l{LAYERS - 1}").grad]
        same("agent forward", [value.detach(), actions, control], [eager_value.detach(), eager_actions, eager_control], 1e-3, 1e-4)
        same("agent backward", grads, eager_grads, 1e-3, 1e-6)
        self.optimizer.zero_grad(set_to_none=True)
        with torch.no_grad():
            device = s.positions.device
            field_re, field_im = torch.randn(s.nodes, device=device), torch.randn(s.nodes, device=device)  # a field with vortices and not
            magnitude = (field_re.square() + field_im.square()).sqrt()
            for m in (min(7, s.nodes), 1):
                index = torch.randperm(s.nodes, device=device)[:m]
                knobs = torch.tensor([0.9, 0.5, 1.0], device=device)
                arguments = (s.amplitudes, s.phases, field_re, field_im, s.edge_source, s.edge_target, s.edge_distance, s.degree, index, knobs)
                same(f"propagate ({m})", fn.propagate(*arguments), propagate(*arguments), 1e-4, 1e-5)
                threshold = s.scalar(1.0)
                same("vortex_stats", fn.vortex_stats(magnitude, threshold), vortex_stats(magnitude, threshold), 0, 0)
                _, stats = vortex_stats(magnitude, threshold)
                centres = s.positions[index]
                r2 = s.scalar(clear_radius2(s.positions, centres))
                sums = quality_tile(s.positions, centres, stats, r2)
                same(f"quality_tile ({m})", [fn.quality_tile(s.positions, centres, stats, r2)], [sums], 1e-9, 1e-9)
                # Rounding apart (Triton contracts a·b + c into one FMA), which the variance's cancellation can show at 1e-8.
                same(f"quality_finish ({m})", fn.quality_finish(sums, magnitude.double()[index]), quality_finish(sums, magnitude.double()[index]), 1e-7, 1e-7)
                same(f"reach_tile ({m})", [fn.reach_tile(s.positions, centres, r2)], [reach_tile(s.positions, centres, r2)], 0, 0)
        if differ:
            raise RuntimeError("compiled pieces differ from eager: " + "; ".join(differ))


def clear_radius2(positions, centres):
    """A squared radius near 0.25 that no node's squared distance to a centre comes within 1e-5 of, so a check of
    the tiles' counts (compiled against eager) is exact: float32 rounding (~1e-7 here) cannot move a node across."""
    squared = (positions.double().unsqueeze(0) - centres.double().unsqueeze(1)).square().sum(-1)
    for r2 in (0.25 + 0.001 * i for i in range(100)):
        if (squared - r2).abs().min().item() > 1e-5:
            return r2
    raise RuntimeError("no clear radius for the compiled tiles' check")


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure(geometry, hidden, intended, device, warmup, timed, compiled):
    torch.manual_seed(0)
    if compiled:
        import torch._dynamo as dynamo  # PyTorch 2.x: the compile row runs only where torch.compile exists
        dynamo.reset()  # each row compiles its own pieces: its compile_seconds is its own, and no cache limit is shared
    trainer = Trainer(geometry, hidden, intended, warmup + timed, device, compiled)
    parameters = sum(p.numel() for p in trainer.agent.parameters())
    compile_seconds = None
    if compiled:
        sync(device)
        start = time.perf_counter()
        trainer.compile_now()
        sync(device)
        compile_seconds = time.perf_counter() - start
    last = None
    for n in range(1, warmup + 1):
        last = trainer.step(n)
    sync(device)
    seconds = []
    for n in range(warmup + 1, warmup + timed + 1):
        start = time.perf_counter()
        last = trainer.step(n)
        sync(device)
        seconds.append(time.perf_counter() - start)
    del trainer
    if compiled:
        dynamo.reset()  # its cache holds the model: freed before the next row builds one
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return {"s_per_cycle": sorted(seconds)[len(seconds) // 2], "cycles": seconds, "parameters": parameters,
            "compile_seconds": compile_seconds, "reward": last["reward"], "density": last["density"], "removed": last["removed"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--cycles", type=int, default=None, help="timed cycles")
    parser.add_argument("--configs", default="baseline,h200-scaled")
    parser.add_argument("--modes", default="as-run,intended")
    parser.add_argument("--rows", default="eager,compile")
    args = parser.parse_args()
    device = torch.device(args.device)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    timed = args.cycles or (2 if args.quick else 5)
    shapes = QUICK if args.quick else FULL
    rows = args.rows.split(",")
    compile_skipped = None
    if "compile" in rows and not hasattr(torch, "compile"):
        compile_skipped = f"PyTorch {torch.__version__} has no torch.compile"
    elif "compile" in rows and device.type != "cuda":
        compile_skipped = "torch.compile is timed on CUDA only"
    results = {}
    for name in args.configs.split(","):
        strips, n, hidden = shapes[name]
        radius, cap = neighbour_rule(strips * n)
        positions = tokamak_strips(strips, n).to(device)
        source, target, distance = neighbour_graph(positions, radius, cap)
        degree = torch.bincount(source, minlength=strips * n).float()
        geometry = (positions, source, target, distance, degree, strips, n)
        results[name] = {}
        for mode in args.modes.split(","):
            row = {"edges": source.numel()}
            for path in rows:
                if path == "compile" and compile_skipped:
                    continue
                try:
                    r = measure(geometry, hidden, mode == "intended", device, warmup, timed, path == "compile")
                    row["parameters"] = r.pop("parameters")
                    row[path] = r.pop("s_per_cycle")
                    row[path + "_detail"] = r
                    if path == "compile":
                        row["compile_seconds"] = r["compile_seconds"]
                except Exception as e:  # one failing path (a compiler without a C toolchain, say) must not cost the table
                    row[path + "_error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
                    failed = True
                else:
                    failed = False
                if failed:  # out of the except block, the traceback and the trainer its frames hold are gone
                    if path == "compile":
                        import torch._dynamo as dynamo
                        dynamo.reset()
                    gc.collect()
                    if device.type == "cuda":
                        torch.cuda.empty_cache()
            results[name][mode] = row
        del positions, source, target, distance, degree, geometry
        gc.collect()
        if device.type == "cuda":
            torch.cuda.empty_cache()
    out = {
        "torch_version": torch.__version__,
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
        "warmup": warmup,
        "timed": timed,
        "results": results,
        "compiled_parts": None if compile_skipped else compiled_parts(),
        "compile_skipped": compile_skipped,
        "graph": "no CUDA-graph row: the cycle's control flow and tensor sizes are decided on the host each cycle",
    }
    print(json.dumps(finite(out), allow_nan=False, indent=None if args.json else 2))


def finite(value):
    """JSON has no NaN or infinity (a diverged intended run reports a NaN reward): they go as the strings "NaN",
    "Infinity", "-Infinity", which .NET's double.Parse reads."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


if __name__ == "__main__":
    main()
