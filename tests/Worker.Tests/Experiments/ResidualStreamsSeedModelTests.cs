using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.ResidualStreams;
using static Dashboard.Torch.Tests.PyTorchOracle;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Tests.Experiments;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The seed architecture of residual-streams against spec 002: the mixers' values at initialisation, the gain proxy's
/// closed form at 12 and 24 layers, HC's non-finite first loss at 48 layers in float32, and the whole model (baseline,
/// HC, mHC) against a PyTorch model written from the spec (nn.LayerNorm, nn.MultiheadAttention, GELU feed-forward).
/// </summary>
public sealed class ResidualStreamsSeedModelTests
{
    private static ResidualStreamsConfig Tiny(string variant, int depth, int width = 16, int heads = 2) => ResidualStreamsConfig.From(new JsonObject
    {
        ["architecture"] = "seed", ["variant"] = variant, ["depth"] = depth, ["width"] = width, ["heads"] = heads,
        ["vocab"] = 32, ["seq_len"] = 8, ["batch"] = 2, ["streams"] = 4,
    });

    private static double[] Values(StreamMixer.Kind kind)
    {
        using var mixer = new StreamMixer(4, kind);
        using var matrix = mixer.Matrix();
        return matrix.ToArray<float>().Select(v => (double)v).ToArray();
    }

    [Fact]
    public void The_mixers_start_where_the_seeds_do()
    {
        var e = Math.E;
        var hc = Values(StreamMixer.Kind.Exp);
        var mhc = Values(StreamMixer.Kind.Sinkhorn);
        var softmax = Values(StreamMixer.Kind.RowSoftmax);
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                hc[i * 4 + j].Should().BeApproximately(i == j ? e : 1 / e, 1e-6, "HC's residual mixer is exp(2I − 1)");
                // exp(2I − 1) has equal row and column sums, so Sinkhorn and the row softmax both give e²/(e² + 3) and 1/(e² + 3).
                var expected = i == j ? e * e / (e * e + 3) : 1 / (e * e + 3);
                mhc[i * 4 + j].Should().BeApproximately(expected, 1e-6);
                softmax[i * 4 + j].Should().BeApproximately(expected, 1e-6);
            }
        }
        mhc[0].Should().BeApproximately(0.7112, 5e-5, "the spec's Sinkhorn diagonal");
        mhc[1].Should().BeApproximately(0.0963, 5e-5, "the spec's Sinkhorn off-diagonal");
    }

    [Theory]
    [InlineData(12, 6.389, -0.5983)]
    [InlineData(24, 13.373, -0.6020)]
    public void The_gain_proxy_at_initialisation_is_the_seeds(int depth, double hcSpec, double mhcSpec)
    {
        var e = Math.E;
        var closedForm = Math.Log10((Math.Pow(e + 3 / e, depth) + 3 * Math.Pow(e - 1 / e, depth)) / 4);
        using var hc = new SeedStreamsModel(Tiny("hc", depth));
        using var mhc = new SeedStreamsModel(Tiny("mhc", depth));
        using var baseline = new SeedStreamsModel(Tiny("baseline", depth));

        hc.GainProxy().Should().BeApproximately(closedForm, 1e-4, "log10(((e + 3/e)^L + 3(e − 1/e)^L) / 4)");
        hc.GainProxy().Should().BeApproximately(hcSpec, 1e-3);
        mhc.GainProxy().Should().BeApproximately(mhcSpec, 1e-4);
        baseline.GainProxy().Should().Be(0, "the baseline has no mixers; the seed records 0");
    }

    [Fact]
    public void A_few_training_steps_barely_move_the_gain_proxy()
    {
        // The mixers get uniform gradients only (spec 002): HC's exp mixer is rescaled by at most lr per logit and step,
        // mHC's Sinkhorn mixer not at all; the seed's 200 steps moved HC's 12-layer value from 6.389 to about 6.36.
        (double Start, double End) Gains(string variant, int depth)
        {
            Torch.ManualSeed(3);
            var config = Tiny(variant, depth) with { LearningRate = 2e-3 };
            using var model = new SeedStreamsModel(config);
            using var optimizer = new Dashboard.Torch.Optim.AdamW(model.Parameters(), config.LearningRate, weightDecay: 0);
            var start = model.GainProxy();
            var data = new IncrementingTokens(config.Vocab, config.SeqLen, config.Batch, 3);
            for (var step = 0; step < 5; step++)
            {
                using var scope = Torch.NewDisposeScope();
                var (x, y) = data.Batch(step, Device.Cpu);
                optimizer.ZeroGrad();
                F.CrossEntropy(model.Forward(x).Reshape(-1, config.Vocab), y.Reshape(-1)).Backward();
                optimizer.Step();
            }
            return (start, model.GainProxy());
        }

        var hc = Gains("hc", 12);
        hc.End.Should().BeApproximately(hc.Start, 12 * 5 * 2e-3 * Math.Log10(Math.E) + 1e-6, "at most lr per logit, step and layer");
        var mhc = Gains("mhc", 24);
        mhc.End.Should().BeApproximately(-0.602, 1e-3);
        mhc.End.Should().BeApproximately(mhc.Start, 1e-4);
    }

    [Fact]
    public void Hc_at_48_layers_gives_a_non_finite_loss_at_step_0_in_float32_while_mhc_and_24_layers_stay_finite()
    {
        double FirstLoss(string variant, int depth)
        {
            Torch.ManualSeed(0);
            var config = Tiny(variant, depth);
            using var model = new SeedStreamsModel(config);
            using var scope = Torch.NewDisposeScope();
            var (x, y) = new IncrementingTokens(config.Vocab, config.SeqLen, config.Batch, 0).Batch(0, Device.Cpu);
            return F.CrossEntropy(model.Forward(x).Reshape(-1, config.Vocab), y.Reshape(-1)).ToDouble();
        }

        double.IsFinite(FirstLoss("hc", 48)).Should().BeFalse("every HC layer multiplies the streams by e + 3/e + 1 = 4.82: 10^33 after 48");
        FirstLoss("hc", 24).Should().BeInRange(0, 50);
        FirstLoss("mhc", 48).Should().BeInRange(0, 50);
        FirstLoss("baseline", 48).Should().BeInRange(0, 50);
    }

    private const string Reference = """
        import torch.nn as nn
        import torch.nn.functional as F
        C, H, FF, V, S, iters = inp["C"], inp["heads"], inp["d_ff"], inp["vocab"], inp["streams"], inp["iters"]
        class Block(nn.Module):  # transformer_block.py: pre-norm, returns x + attn + ff
            def __init__(self):
                super().__init__()
                self.ln1 = nn.LayerNorm(C)
                self.attn = nn.MultiheadAttention(C, H, batch_first=True)
                self.ln2 = nn.LayerNorm(C)
                self.ff = nn.Sequential(nn.Linear(C, FF), nn.GELU(), nn.Linear(FF, C))
            def forward(self, x):
                T = x.size(1)
                mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
                h = self.ln1(x)
                a, _ = self.attn(h, h, h, attn_mask=mask)
                x = x + a
                return x + self.ff(self.ln2(x))
        def sinkhorn(A):
            for _ in range(iters):
                A = A / A.sum(dim=1, keepdim=True).clamp(min=1e-12)
                A = A / A.sum(dim=0, keepdim=True).clamp(min=1e-12)
            return A
        class Mixer(nn.Module):  # mhc.py: static logits, y_s = sum_k H[s, k] x_k
            def __init__(self, mode):
                super().__init__()
                self.mode = mode
                self.logits = nn.Parameter(2 * torch.eye(S) - 1)
            def matrix(self):
                if self.mode == "softmax_row": return torch.softmax(self.logits, dim=1)
                if self.mode == "exp": return torch.exp(self.logits)
                return sinkhorn(torch.exp(self.logits))
        def mix(Hm, x):  # x (B, T, S, C)
            return torch.einsum("sk,btkc->btsc", Hm, x)
        class Layer(nn.Module):
            def __init__(self, variant):
                super().__init__()
                self.block = Block()
                self.h_pre, self.h_post = Mixer("softmax_row"), Mixer("softmax_row")
                self.h_res = Mixer("exp" if variant == "hc" else "sinkhorn")
            def forward(self, x):
                merged = mix(self.h_pre.matrix(), x).mean(dim=2)
                f = self.block(merged)
                f_rep = f.unsqueeze(2).expand(-1, -1, S, -1)
                return mix(self.h_res.matrix(), x) + mix(self.h_post.matrix().t(), f_rep)
        class TinyLM(nn.Module):
            def __init__(self, variant, depth, T):
                super().__init__()
                self.variant = variant
                self.embed = nn.Embedding(V, C)
                self.pos = nn.Parameter(torch.randn(T, C) * 0.01)
                self.layers = nn.ModuleList([Block() if variant == "baseline" else Layer(variant) for _ in range(depth)])
                self.ln_f = nn.LayerNorm(C)
                self.head = nn.Linear(C, V, bias=False)
            def forward(self, tokens):
                x = self.embed(tokens) + self.pos[: tokens.size(1)]
                if self.variant == "baseline":
                    for blk in self.layers: x = blk(x)
                else:
                    x = x.unsqueeze(2).expand(-1, -1, S, -1)
                    for layer in self.layers: x = layer(x)
                    x = x.mean(dim=2)
                return self.head(self.ln_f(x))
        def python_name(name):  # the C# module's names -> the names above
            name = name.replace("blocks.", "layers.").replace("attn.c_attn.weight", "attn.in_proj_weight")
            name = name.replace("attn.c_attn.bias", "attn.in_proj_bias").replace("attn.c_proj.", "attn.out_proj.")
            return name.replace("ff.c_fc.", "ff.0.").replace("ff.c_proj.", "ff.2.")
        def run(case):
            model = TinyLM(case["variant"], case["depth"], case["T"])
            model.load_state_dict({python_name(k): T(v) for k, v in case["params"].items()})
            tokens = T(case["tokens"]).long()
            logits = model(tokens)
            loss = F.cross_entropy(logits.reshape(-1, V), T(case["targets"]).long().reshape(-1))
            loss.backward()
            grads = dict(model.named_parameters())
            return {"logits": J(logits), "grads": {k: J(grads[python_name(k)].grad) for k in case["params"]}}
        out["cases"] = [run(case) for case in inp["cases"]]
        """;

    [Fact]
    public void The_seed_models_match_a_PyTorch_model_written_from_the_spec_in_float64()
    {
        string[] variants = ["baseline", "hc", "mhc"];
        var cases = new JsonArray();
        var actual = new List<(Tensor Logits, List<(string Name, Tensor Grad)> Grads)>();
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(21);
        var config = Tiny("baseline", 2, width: 8) with { Vocab = 11, SeqLen = 5 };
        config = config with { FeedForward = 12 };
        foreach (var variant in variants)
        {
            using var model = new SeedStreamsModel(config with { Variant = variant, Streams = variant == "baseline" ? 1 : 4 });
            model.To(ScalarType.Float64);
            using (Torch.NoGrad())
            {
                // Mixers away from their symmetric start, so that the streams differ and every mixer's gradient matters.
                foreach (var (_, p) in model.NamedParameters().Where(p => p.Name.EndsWith("logits", StringComparison.Ordinal)))
                    p.Add_(Torch.Randn(p.Shape, ScalarType.Float64) * 0.5);
            }
            var tokens = Torch.RandInt(0, config.Vocab, [2, 5]);
            var targets = Torch.RandInt(0, config.Vocab, [2, 5]);
            var logits = model.Forward(tokens);
            F.CrossEntropy(logits.Reshape(-1, config.Vocab), targets.Reshape(-1)).Backward();
            actual.Add((logits.Detach(), model.NamedParameters().Select(p => (p.Name, p.Parameter.Grad!.Clone())).ToList()));
            cases.Add(new JsonObject
            {
                ["variant"] = variant, ["depth"] = config.Depth, ["T"] = config.SeqLen, ["params"] = ToJson(model.NamedParameters()),
                ["tokens"] = ToJson(tokens.To(ScalarType.Float64)), ["targets"] = ToJson(targets.To(ScalarType.Float64)),
            });
        }
        var expected = Run(Reference, new JsonObject
        {
            ["C"] = config.Width, ["heads"] = config.Heads, ["d_ff"] = config.FeedForward, ["vocab"] = config.Vocab, ["streams"] = 4,
            ["iters"] = config.SinkhornIterations, ["cases"] = cases,
        })["cases"]!.AsArray();

        for (var i = 0; i < variants.Length; i++)
        {
            ShouldMatch(actual[i].Logits, expected[i]!["logits"]!, what: $"{variants[i]} logits");
            foreach (var (name, grad) in actual[i].Grads)
                ShouldMatch(grad, expected[i]!["grads"]![name]!, what: $"{variants[i]} {name} gradient");
        }
    }
}
