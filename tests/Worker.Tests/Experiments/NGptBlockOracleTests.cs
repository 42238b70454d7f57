using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.NGpt;
using static Dashboard.Torch.Tests.PyTorchOracle;

namespace Dashboard.Worker.Tests.Experiments;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The nGPT and GPT blocks against an independent PyTorch implementation (python3-torch), in float64: same
/// weights and input, output and every gradient to 1e-6 relative.
/// </summary>
public sealed class NGptBlockOracleTests(NGptBlockOracleTests.Oracle oracle) : IClassFixture<NGptBlockOracleTests.Oracle>
{
    private static readonly NGptConfig Config = NGptConfig.From(new JsonObject
    {
        ["width"] = 16, ["heads"] = 2, ["context"] = 6, ["alpha_init"] = 0.28,
    });

    private const string Reference = """
        import torch.nn as nn
        import torch.nn.functional as F
        C, nh, Fh, alpha_init = inp["C"], inp["nh"], inp["F"], inp["alpha_init"]
        d = C // nh
        base = 1 / math.sqrt(C)
        cos, sin = T(inp["cos"]), T(inp["sin"])
        def justnorm(x):
            return x / x.norm(p=2, dim=-1, keepdim=True)
        def rope(x):  # (B, nh, T, d), half-split rotation
            n = x.size(2)
            x1, x2 = x[..., : d // 2], x[..., d // 2 :]
            return x * cos[:n] + torch.cat((-x2, x1), dim=-1) * sin[:n]
        def attention(q, k, v, scale):
            n = q.size(2)
            att = (q @ k.transpose(-2, -1)) * scale
            att = att.masked_fill(~torch.tril(torch.ones(n, n, dtype=torch.bool)), float("-inf"))
            return F.softmax(att, dim=-1) @ v
        def rmsnorm(x, w):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + torch.finfo(x.dtype).eps) * w
        class Projections(nn.Module):
            def __init__(self):
                super().__init__()
                self.query = nn.Linear(C, C, bias=False)
                self.key = nn.Linear(C, C, bias=False)
                self.value = nn.Linear(C, C, bias=False)
                self.att_c_proj = nn.Linear(C, C, bias=False)
                self.c_fc = nn.Linear(C, 2 * Fh, bias=False)
                self.mlp_c_proj = nn.Linear(Fh, C, bias=False)
            def qkv(self, x):
                B, n, _ = x.shape
                return [p(x).view(B, n, nh, d).transpose(1, 2) for p in (self.query, self.key, self.value)]
            def merge(self, y):
                B, _, n, _ = y.shape
                return self.att_c_proj(y.transpose(1, 2).contiguous().view(B, n, C))
        class NGPTBlock(Projections):
            def __init__(self, alpha_size):
                super().__init__()
                self.attn_alpha = nn.Parameter(torch.ones(alpha_size))
                self.mlp_alpha = nn.Parameter(torch.ones(alpha_size))
                self.sqk = nn.Parameter(torch.ones(C))
                self.suv = nn.Parameter(torch.ones(2 * Fh))
            def forward(self, h):
                q, k, v = self.qkv(h)
                sqk = (self.sqk * (1.0 / base)).view(1, nh, 1, d)
                q = sqk * justnorm(rope(q))
                k = sqk * justnorm(rope(k))
                h_att = self.merge(attention(q, k, v, math.sqrt(d)))
                lr = torch.abs(self.attn_alpha * (alpha_init / base))
                A, B = justnorm(h), justnorm(h_att)
                h = justnorm(A + lr * (B - A))
                uv = self.c_fc(h) * (self.suv * math.sqrt(C))
                u, v = torch.chunk(uv, 2, dim=-1)
                h_mlp = self.mlp_c_proj(u * F.silu(v))
                lr = torch.abs(self.mlp_alpha * (alpha_init / base))
                A, B = justnorm(h), justnorm(h_mlp)
                return justnorm(A + lr * (B - A))
        class GPTBlock(Projections):
            def __init__(self):
                super().__init__()
                self.attn_norm = nn.Module(); self.attn_norm.weight = nn.Parameter(torch.ones(C))
                self.mlp_norm = nn.Module(); self.mlp_norm.weight = nn.Parameter(torch.ones(C))
            def forward(self, h):
                q, k, v = self.qkv(rmsnorm(h, self.attn_norm.weight))
                h = h + self.merge(attention(rope(q), rope(k), v, 1 / math.sqrt(d)))
                u, v = torch.chunk(self.c_fc(rmsnorm(h, self.mlp_norm.weight)), 2, dim=-1)
                return h + self.mlp_c_proj(u * F.silu(v))
        def run(case):
            block = NGPTBlock(case["alpha_size"]) if case["kind"] == "ngpt" else GPTBlock()
            block.load_state_dict({k: T(v) for k, v in case["params"].items()})
            x = T(case["x"]).requires_grad_()
            y = block(x)
            (y * T(case["w"])).sum().backward()
            return {"y": J(y), "dx": J(x.grad), "grads": {k: J(p.grad) for k, p in block.named_parameters()}}
        out["cases"] = [run(case) for case in inp["cases"]]
        """;

    /// <summary>One block's forward and backward in C#, kept for the comparison.</summary>
    public sealed record Case(string Kind, Tensor Y, Tensor InputGrad, IReadOnlyList<(string Name, Tensor Grad)> Grads, JsonObject Input);

    /// <summary>The three blocks, run in C# and then all at once in PyTorch (one Python start for the class).</summary>
    public sealed class Oracle : IDisposable
    {
        public Oracle()
        {
            using var scope = Torch.NewDisposeScope();
            Torch.ManualSeed(5);
            var scalar = Config with { AlphaShape = "scalar" };
            using var rotary = new RotaryEmbedding(Config.HeadSize, Config.Context);
            rotary.To(ScalarType.Float64);
            Cases = new Dictionary<string, Case>
            {
                ["ngpt"] = Make("ngpt", new NGptBlock(Config, rotary), Config.Width),
                ["ngpt-scalar"] = Make("ngpt", new NGptBlock(scalar, rotary), 1),
                ["gpt"] = Make("gpt", new GptBlock(Config, rotary), 0),
            };
            var buffers = rotary.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
            var result = Run(Reference, new JsonObject
            {
                ["C"] = Config.Width, ["nh"] = Config.Heads, ["F"] = Config.Hidden, ["alpha_init"] = Config.AlphaInit,
                ["cos"] = ToJson(buffers["cos"]), ["sin"] = ToJson(buffers["sin"]),
                ["cases"] = new JsonArray(Cases.Values.Select(c => (JsonNode)c.Input).ToArray()),
            });
            Expected = Cases.Keys.Zip(result["cases"]!.AsArray()).ToDictionary(p => p.First, p => p.Second!.AsObject());
        }

        public Dictionary<string, Case> Cases { get; }
        public Dictionary<string, JsonObject> Expected { get; }

        private static Case Make(string kind, Dashboard.Torch.NN.Module<Tensor, Tensor> block, long alphaSize)
        {
            using (block)
            {
                block.To(ScalarType.Float64);
                using (Torch.NoGrad())
                {
                    // Scales away from their initial values, so that every one of them matters in the comparison.
                    foreach (var (_, p) in block.NamedParameters().Where(p => p.Parameter.Dim == 1))
                        p.CopyFrom(Torch.Rand(p.Shape, ScalarType.Float64) * 0.5 + (kind == "ngpt" ? 0.1 : 0.75));
                }
                var raw = Torch.Randn([2, 5, Config.Width], ScalarType.Float64);
                var x = (raw / raw.Norm(-1, keepDim: true)).Detach().RequiresGrad_();    // unit rows, as nGPT's hidden states
                var w = Torch.Randn([2, 5, Config.Width], ScalarType.Float64);
                var y = block.Forward(x);
                (y * w).Sum().Backward();
                var input = new JsonObject
                {
                    ["kind"] = kind, ["alpha_size"] = alphaSize, ["params"] = ToJson(block.NamedParameters()),
                    ["x"] = ToJson(x), ["w"] = ToJson(w),
                };
                return new Case(kind, y.Detach().DetachFromDisposeScope(), x.Grad!.DetachFromDisposeScope(),
                    block.NamedParameters().Select(p => (p.Name, p.Parameter.Grad!.DetachFromDisposeScope())).ToList(), input);
            }
        }

        public void Dispose()
        {
            foreach (var c in Cases.Values)
            {
                c.Y.Dispose();
                c.InputGrad.Dispose();
                foreach (var (_, grad) in c.Grads) grad.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("ngpt")]
    [InlineData("ngpt-scalar")]
    [InlineData("gpt")]
    public void The_blocks_match_PyTorch_in_float64(string name)
    {
        var (actual, expected) = (oracle.Cases[name], oracle.Expected[name]);
        ShouldMatch(actual.Y, expected["y"]!, what: $"{name} block output");
        ShouldMatch(actual.InputGrad, expected["dx"]!, what: $"{name} input gradient");
        foreach (var (parameter, grad) in actual.Grads)
            ShouldMatch(grad, expected["grads"]![parameter]!, what: $"{name} {parameter} gradient");
    }

    [Fact]
    public void The_nGPT_model_starts_on_the_sphere_with_cosine_logits()
    {
        Torch.ManualSeed(3);
        using var scope = Torch.NewDisposeScope();
        using var model = new NGptModel(Config with { Layers = 2, Vocab = 256 });
        var tokens = Torch.RandInt(0, 256, [2, 6]);
        using var logits = model.Forward(tokens);
        logits.Shape.Should().Equal(2, 6, 256);
        var deviation = model.WeightNormDeviation().ToDouble();
        deviation.Should().BeLessThan(1e-6, "the model projects its matrices at initialisation");
        var cosine = logits.Abs().Max().ToDouble() / Config.LogitScale;
        cosine.Should().BeLessThanOrEqualTo(1 + 1e-5, "logits are cosines times s_z");
    }

    [Fact]
    public void The_seed_shape_has_the_seeds_parameter_count_and_scalar_alpha_saves_what_the_seeds_did()
    {
        var seed = NGptConfig.From(new Dashboard.Domain.Families.NGptFamily().Presets.Single(p => p.Name == "optimization-sweep").Config);
        long Count(NGptConfig c)
        {
            using var model = new NGptModel(c);
            return model.ParameterCount();
        }
        Count(seed).Should().Be(52_808_449, "the seed reports 52,808,449 parameters at this shape");
        var bytes = seed with { Vocab = 256 };   // the embedding and head do not change with α; keep this one small
        (Count(bytes) - Count(bytes with { AlphaShape = "scalar" })).Should().Be(6_128, "the seed's scalar alpha saved 6,128 parameters");
    }
}
