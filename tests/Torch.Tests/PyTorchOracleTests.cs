using System.Text.Json.Nodes;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using static Dashboard.Torch.Tests.PyTorchOracle;

namespace Dashboard.Torch.Tests;

/// <summary>Block-level agreement with PyTorch 1.13 (same weights and inputs, float64, 1e-6 relative).</summary>
public class PyTorchOracleTests
{
    public PyTorchOracleTests() => Torch.ManualSeed(11);

    [Fact]
    public void Transformer_block_forward_and_gradients_match_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        using var block = new TransformerBlock(embedding: 8, heads: 2);
        block.To(ScalarType.Float64);
        var x = Torch.Randn([2, 5, 8], ScalarType.Float64).RequiresGrad_();
        var w = Torch.Randn([2, 5, 8], ScalarType.Float64);
        var y = block.Forward(x);
        (y * w).Sum().Backward();

        var result = Run("""
            import torch.nn as nn
            import torch.nn.functional as F
            class CausalSelfAttention(nn.Module):
                def __init__(self, C, nh):
                    super().__init__()
                    self.c_attn = nn.Linear(C, 3 * C)
                    self.c_proj = nn.Linear(C, C)
                    self.nh = nh
                def forward(self, x):
                    B, T, C = x.size()
                    q, k, v = self.c_attn(x).split(C, dim=2)
                    q = q.view(B, T, self.nh, C // self.nh).transpose(1, 2)
                    k = k.view(B, T, self.nh, C // self.nh).transpose(1, 2)
                    v = v.view(B, T, self.nh, C // self.nh).transpose(1, 2)
                    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
                    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
                    att = att.masked_fill(~mask, float('-inf'))
                    y = F.softmax(att, dim=-1) @ v
                    return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))
            class MLP(nn.Module):
                def __init__(self, C):
                    super().__init__()
                    self.c_fc = nn.Linear(C, 4 * C)
                    self.c_proj = nn.Linear(4 * C, C)
                def forward(self, x):
                    return self.c_proj(F.gelu(self.c_fc(x)))
            class Block(nn.Module):
                def __init__(self, C, nh):
                    super().__init__()
                    self.ln_1 = nn.LayerNorm(C)
                    self.attn = CausalSelfAttention(C, nh)
                    self.ln_2 = nn.LayerNorm(C)
                    self.mlp = MLP(C)
                def forward(self, x):
                    x = x + self.attn(self.ln_1(x))
                    return x + self.mlp(self.ln_2(x))
            block = Block(8, 2)
            block.load_state_dict({k: T(v) for k, v in inp["params"].items()})
            x = T(inp["x"]).requires_grad_()
            y = block(x)
            (y * T(inp["w"])).sum().backward()
            out["y"] = J(y)
            out["dx"] = J(x.grad)
            out["grads"] = {k: J(p.grad) for k, p in block.named_parameters()}
            """, new JsonObject { ["params"] = ToJson(block.NamedParameters()), ["x"] = ToJson(x), ["w"] = ToJson(w) });

        ShouldMatch(y, result["y"]!, what: "output");
        ShouldMatch(x.Grad!, result["dx"]!, what: "input gradient");
        foreach (var (name, p) in block.NamedParameters())
            ShouldMatch(p.Grad!, result["grads"]![name]!, what: name);
    }

    [Fact]
    public void Lstm_matches_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        using var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true);
        lstm.To(ScalarType.Float64);
        var x = Torch.Randn([2, 5, 3], ScalarType.Float64).RequiresGrad_();
        var (output, (h, c)) = lstm.Forward(x);
        (output.Sum() + h.Square().Sum() + c.Sum()).Backward();

        var result = Run("""
            m = torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)
            m.load_state_dict({k: T(v) for k, v in inp["params"].items()})
            x = T(inp["x"]).requires_grad_()
            o, (h, c) = m(x)
            (o.sum() + h.square().sum() + c.sum()).backward()
            out.update(o=J(o), h=J(h), c=J(c), dx=J(x.grad), grads={k: J(p.grad) for k, p in m.named_parameters()})
            """, new JsonObject { ["params"] = ToJson(lstm.NamedParameters()), ["x"] = ToJson(x) });

        ShouldMatch(output, result["o"]!, what: "output");
        ShouldMatch(h, result["h"]!, what: "h");
        ShouldMatch(c, result["c"]!, what: "c");
        ShouldMatch(x.Grad!, result["dx"]!, what: "input gradient");
        foreach (var (name, p) in lstm.NamedParameters())
            ShouldMatch(p.Grad!, result["grads"]![name]!, what: name);
    }

    [Fact]
    public void Gru_matches_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        using var gru = new GRU(3, 4, numLayers: 2);
        gru.To(ScalarType.Float64);
        var x = Torch.Randn([5, 2, 3], ScalarType.Float64).RequiresGrad_();
        var (output, h) = gru.Forward(x);
        (output.Sum() + h.Square().Sum()).Backward();

        var result = Run("""
            m = torch.nn.GRU(3, 4, num_layers=2)
            m.load_state_dict({k: T(v) for k, v in inp["params"].items()})
            x = T(inp["x"]).requires_grad_()
            o, h = m(x)
            (o.sum() + h.square().sum()).backward()
            out.update(o=J(o), h=J(h), dx=J(x.grad), grads={k: J(p.grad) for k, p in m.named_parameters()})
            """, new JsonObject { ["params"] = ToJson(gru.NamedParameters()), ["x"] = ToJson(x) });

        ShouldMatch(output, result["o"]!, what: "output");
        ShouldMatch(h, result["h"]!, what: "h");
        ShouldMatch(x.Grad!, result["dx"]!, what: "input gradient");
        foreach (var (name, p) in gru.NamedParameters())
            ShouldMatch(p.Grad!, result["grads"]![name]!, what: name);
    }

    [Fact]
    public void Cells_match_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        using var lstm = new LSTMCell(3, 4);
        using var gru = new GRUCell(3, 4);
        lstm.To(ScalarType.Float64);
        gru.To(ScalarType.Float64);
        var x = Torch.Randn([2, 3], ScalarType.Float64);
        var (h, c) = lstm.Forward(x);
        var g = gru.Forward(x, h);

        var result = Run("""
            l = torch.nn.LSTMCell(3, 4); l.load_state_dict({k: T(v) for k, v in inp["lstm"].items()})
            g = torch.nn.GRUCell(3, 4); g.load_state_dict({k: T(v) for k, v in inp["gru"].items()})
            x = T(inp["x"])
            h, c = l(x)
            out.update(h=J(h), c=J(c), g=J(g(x, h)))
            """, new JsonObject { ["lstm"] = ToJson(lstm.NamedParameters()), ["gru"] = ToJson(gru.NamedParameters()), ["x"] = ToJson(x) });

        ShouldMatch(h, result["h"]!, what: "lstm h");
        ShouldMatch(c, result["c"]!, what: "lstm c");
        ShouldMatch(g, result["g"]!, what: "gru h");
    }

    [Fact]
    public void AdamW_steps_match_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var p1 = Torch.Randn([3, 4], ScalarType.Float64).RequiresGrad_().DetachFromDisposeScope();
        var p2 = Torch.Randn([4], ScalarType.Float64).RequiresGrad_().DetachFromDisposeScope();
        var grads = Enumerable.Range(0, 3).Select(_ => (Torch.Randn([3, 4], ScalarType.Float64), Torch.Randn([4], ScalarType.Float64))).ToList();
        var start = new JsonObject { ["p1"] = ToJson(p1), ["p2"] = ToJson(p2) };
        using var optimizer = new AdamW([new ParamGroup([p1], 0.01, 0.1), new ParamGroup([p2], 0.003, 0.0)], beta1: 0.8, beta2: 0.95, eps: 1e-6);
        foreach (var (g1, g2) in grads)
        {
            p1.Grad = g1;
            p2.Grad = g2;
            optimizer.Step();
        }

        var result = Run("""
            p1 = T(inp["start"]["p1"]).requires_grad_()
            p2 = T(inp["start"]["p2"]).requires_grad_()
            opt = torch.optim.AdamW([{"params": [p1], "lr": 0.01, "weight_decay": 0.1},
                                     {"params": [p2], "lr": 0.003, "weight_decay": 0.0}], betas=(0.8, 0.95), eps=1e-6)
            for g1, g2 in inp["grads"]:
                p1.grad = T(g1); p2.grad = T(g2)
                opt.step()
            out.update(p1=J(p1), p2=J(p2))
            """, new JsonObject
        {
            ["start"] = start,
            ["grads"] = new JsonArray(grads.Select(g => (JsonNode)new JsonArray(ToJson(g.Item1), ToJson(g.Item2))).ToArray()),
        });

        ShouldMatch(p1, result["p1"]!, rtol: 1e-12, what: "p1");
        ShouldMatch(p2, result["p2"]!, rtol: 1e-12, what: "p2");
        p1.Dispose();
        p2.Dispose();
    }

    [Fact]
    public void Sgd_with_momentum_and_clipping_match_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Torch.Randn([5], ScalarType.Float64).RequiresGrad_().DetachFromDisposeScope();
        var start = ToJson(p);
        var grads = Enumerable.Range(0, 3).Select(_ => Torch.Randn([5], ScalarType.Float64) * 3).ToList();
        using var optimizer = new SGD([p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true);
        var norms = new List<double>();
        foreach (var g in grads)
        {
            p.Grad = g.Clone();
            norms.Add(GradientClipping.ClipGradNorm([p], 1.0));
            optimizer.Step();
        }

        var result = Run("""
            p = T(inp["start"]).requires_grad_()
            opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)
            norms = []
            for g in inp["grads"]:
                p.grad = T(g)
                norms.append(float(torch.nn.utils.clip_grad_norm_([p], 1.0)))
                opt.step()
            out.update(p=J(p), norms=norms)
            """, new JsonObject { ["start"] = start, ["grads"] = new JsonArray(grads.Select(g => (JsonNode)ToJson(g)).ToArray()) });

        ShouldMatch(p, result["p"]!, rtol: 1e-12, what: "p");
        norms.Should().BeEquivalentTo(result["norms"]!.AsArray().Select(n => n!.GetValue<double>()), o => o.WithStrictOrdering()
            .Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
        p.Dispose();
    }
}
