"""Seed 004's three language models in PyTorch, written from the binding's C# (src/Worker/Experiments/Harmonic/Gpt):
nanoGPT's GPT ("standard"), the Harmonic GPT ("harmonic": wave-selective attention, mode coupling) and the Harmonic
GPT with the harmonic mixture of experts in place of each block's MLP ("harmonic-moe").

The Harmonic GPT has no public PyTorch source (spec 004 section 5 reconstructs it); this is a port of our
reconstruction, op for op, so that its PyTorch timings (eager, CUDA graph, torch.compile) are of the same function:
module and parameter names are the binding's (a state dict saved by the binding loads here with strict=True), the
(T, T) masks are built once as the binding caches them, and the straight-through gate, an identity going forward,
runs only where gradients are on, as in the binding.
"""
import json
import math
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

MODELS = ("standard", "harmonic", "harmonic-moe")


def attention(q, k, v, mask=None):
    """softmax(q kᵀ / √d + mask) v; a boolean mask keeps where true. Causal when no mask is given (the standard model)."""
    if hasattr(F, "scaled_dot_product_attention"):
        return (F.scaled_dot_product_attention(q, k, v, is_causal=True) if mask is None
                else F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    # PyTorch 1.13 (Debian): the binding's composed fallback (Functional.ManualAttention), the same ops in the same order.
    n = q.size(-2)
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.size(-1)))
    if mask is None:
        scores = scores.masked_fill(~torch.ones(n, n, dtype=torch.bool, device=q.device).tril(), float("-inf"))
    else:
        scores = scores.masked_fill(~mask, float("-inf"))
    return F.softmax(scores, dim=-1) @ v


class MLP(nn.Module):
    """nanoGPT's feed-forward: C → 4C, GELU (exact), 4C → C (dropout is off in eval)."""

    def __init__(self, d):
        super().__init__()
        self.c_fc = nn.Linear(d, 4 * d)
        self.c_proj = nn.Linear(4 * d, d)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))   # (B, nh, T, d)
        y = attention(q, k, v)
        return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))


class WaveDetector(nn.Sequential):
    """Per-token score s ∈ (0, 1): Sequential(Linear(d, 128), GELU, Linear(128, 1), Sigmoid); (B, T, C) → (B, T)."""

    def __init__(self, d):
        super().__init__(nn.Linear(d, 128), nn.GELU(), nn.Linear(128, 1), nn.Sigmoid())

    def forward(self, x):
        return super().forward(x).squeeze(-1)


def select_waves(scores, fraction):
    """Per sequence the top k = max(1, ⌊f·T⌋) scores (WaveDetector.Select, top-k mode): (B, T) → (B, T) bool."""
    k = max(1, math.floor(fraction * scores.size(1)))
    _, top = scores.topk(k, dim=1, sorted=False)                                    # (B, k)
    return torch.zeros(scores.shape, dtype=torch.bool, device=scores.device).scatter(1, top, True)


def straight_through(scores, wave):
    """g = hard + s − stopgrad(s) for wave tokens, 1 − g for the others: (B, T) → (B, T, 1); the binding skips it
    (and so does this port) when gradients are off, where it only rounds."""
    gate = wave.to(scores.dtype) + scores - scores.detach()
    return torch.where(wave, gate, 1.0 - gate).unsqueeze(-1)


class WaveSelectiveAttention(nn.Module):
    """Wave tokens attend to every earlier key, the others to the last `window` keys and themselves: one attention call
    with mask[b, t, j] = (j ≤ t) ∧ (t ∈ W_b ∨ t − j ≤ window)."""

    def __init__(self, d, heads, context, window, wave_fraction):
        super().__init__()
        self.heads, self.wave_fraction = heads, wave_fraction
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.wave_detector = WaveDetector(d)
        # The binding's CausalWindow, built for the full context once (float positions: exact to 2^24), (1, 1, T, T).
        positions = torch.arange(0, context, 1, dtype=torch.float32)
        distance = positions.unsqueeze(1) - positions.unsqueeze(0)                  # t − j: (T, T)
        causal = distance.ge(0)
        local = (causal.float() * distance.le(window).float()).gt(0.5)
        self.register_buffer("causal", causal[None, None], persistent=False)
        self.register_buffer("local", local[None, None], persistent=False)

    def forward(self, x):
        b, t, c = x.shape
        scores = self.wave_detector(x)                                              # (B, T)
        wave = select_waves(scores, self.wave_fraction)                             # (B, T) bool
        q, k, v = self.c_attn(x).split(c, dim=2)                                    # 3 × (B, T, C)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))   # (B, nh, T, d)
        causal, local = self.causal[:, :, :t, :t], self.local[:, :, :t, :t]
        mask = torch.where(wave[:, None, :, None], causal, local)                   # (B, 1, T, T)
        y = attention(q, k, v, mask)                                                # (B, nh, T, d)
        y = y.transpose(1, 2).contiguous().view(b, t, c)                            # (B, T, C)
        if torch.is_grad_enabled():
            y = y * straight_through(scores, wave)
        return self.c_proj(y)


class HarmonicMoE(nn.Module):
    """E nanoGPT MLPs, a router Linear(d, E) and a wave detector of its own: wave tokens go to their top-1 expert
    scaled by its router probability, the others to expert 0. Tokens sorted by expert, one host read of the counts,
    then per expert one gather (index_select) and one scatter (index_add), as the binding."""

    def __init__(self, d, experts, wave_fraction):
        super().__init__()
        self.wave_fraction = wave_fraction
        self.experts = nn.ModuleList(MLP(d) for _ in range(experts))
        self.router = nn.Linear(d, experts)
        self.wave_detector = WaveDetector(d)

    def forward(self, x):
        b, t, c = x.shape
        scores = self.wave_detector(x)                                              # (B, T)
        wave = select_waves(scores, self.wave_fraction)                             # (B, T) bool
        tokens = x.reshape(b * t, c)                                                # (N, C)
        probabilities = F.softmax(self.router(tokens), dim=-1)                      # (N, E)
        top, choice = probabilities.max(1)                                          # (N), (N)
        is_wave = wave.reshape(b * t)
        expert = torch.where(is_wave, choice, torch.zeros_like(choice))             # (N)
        weight = torch.where(is_wave, top, torch.ones_like(top)).unsqueeze(1)       # (N, 1)
        _, order = expert.sort(0)                                                   # (N)
        counts = F.one_hot(expert, len(self.experts)).sum(0).cpu().tolist()         # (E), read on the host
        output = torch.zeros_like(tokens)
        offset = 0
        for e, mlp in enumerate(self.experts):
            if counts[e] == 0:
                continue
            index = order.narrow(0, offset, counts[e])                              # tokens of expert e: (n_e)
            offset += counts[e]
            routed = mlp(tokens.index_select(0, index)) * weight.index_select(0, index)   # (n_e, C)
            output = output.index_add(0, index, routed)
        y = output.view(b, t, c)
        if torch.is_grad_enabled():
            y = y * straight_through(scores, wave)
        return y


class ModeCoupling(nn.Module):
    """Block l adds proj(Σ_{i<l} κ[l, i] · h_i) over the earlier blocks' outputs; block 0 adds proj(0), the bias."""

    def __init__(self, d, layers):
        super().__init__()
        self.coupling_strength = nn.Parameter(torch.randn(layers, layers) * 0.02)
        self.proj = nn.Linear(d, d)

    def forward(self, layer, earlier, like):
        if layer == 0 or not earlier:
            return self.proj.bias.expand(like.shape)
        stacked = torch.stack(earlier, -1)                                          # (B, T, C, l)
        mixed = stacked.matmul(self.coupling_strength[layer, : len(earlier)])       # (B, T, C)
        return self.proj(mixed)


class Block(nn.Module):
    """x += Attn(LN₁ x); x += (MLP or HarmonicMoE)(LN₂ x); harmonic: x += ModeCoupling(l, earlier outputs)."""

    def __init__(self, model, layer, d, heads, context, window, wave_fraction, experts, layers):
        super().__init__()
        self.layer = layer
        self.ln_1 = nn.LayerNorm(d)
        self.attn = (CausalSelfAttention(d, heads) if model == "standard"
                     else WaveSelectiveAttention(d, heads, context, window, wave_fraction))
        self.ln_2 = nn.LayerNorm(d)
        if model == "harmonic-moe":
            self.moe = HarmonicMoE(d, experts, wave_fraction)
        else:
            self.mlp = MLP(d)
        self.mode_coupling = ModeCoupling(d, layers) if model != "standard" else None

    def residual_projections(self):
        yield self.attn.c_proj
        if hasattr(self, "mlp"):
            yield self.mlp.c_proj
        if hasattr(self, "moe"):
            for expert in self.moe.experts:
                yield expert.c_proj

    def forward(self, x, earlier):
        x = x + self.attn(self.ln_1(x))
        h = self.ln_2(x)
        x = x + (self.mlp(h) if hasattr(self, "mlp") else self.moe(h))
        if self.mode_coupling is not None:
            x = x + self.mode_coupling(self.layer, earlier, x)
        return x


class GPT(nn.Module):
    """Token and learned position embeddings, the blocks, final LayerNorm, head tied to the token embedding."""

    def __init__(self, model, layers, width, heads, context, vocab, window=32, wave_fraction=0.25, experts=4):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.h = nn.ModuleList(Block(model, l, width, heads, context, window, wave_fraction, experts, layers)
                               for l in range(layers))
        self.ln_f = nn.LayerNorm(width)
        self._initialise(layers)

    def _initialise(self, layers):
        """nanoGPT's: N(0, 0.02) for every Linear and embedding (residual projections 0.02/√(2·n_layer)), zero biases;
        only used when no weights are loaded from the binding."""
        residual = {id(linear) for block in self.h for linear in block.residual_projections()}
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.Linear):
                    module.weight.normal_(0, 0.02 / math.sqrt(2 * layers) if id(module) in residual else 0.02)
                    module.bias.zero_()
                elif isinstance(module, nn.Embedding):
                    module.weight.normal_(0, 0.02)

    def non_embedding_count(self):
        """nanoGPT's get_num_params: every parameter once (the head is wte), the position embedding excluded."""
        return sum(p.numel() for p in self.parameters()) - self.wpe.weight.numel()

    def forward(self, ids):                                                         # (B, T) → (B, T, vocab)
        x = self.wte(ids) + self.wpe(torch.arange(ids.size(1), device=ids.device))
        outputs = []
        for block in self.h:
            x = block(x, outputs)
            outputs.append(x)
        return F.linear(self.ln_f(x), self.wte.weight)


DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """(tensors, metadata) of a safetensors file (8-byte header length, JSON header, raw little-endian data): the
    format the binding writes. Written here because Debian's python3-torch has no safetensors package."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        flat = torch.frombuffer(bytearray(data[start:end]), dtype=dtype) if end > start else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata
