using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;
using static Dashboard.Torch.Tests.PyTorchOracle;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Tests.Experiments;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// ngpt-seed against spec 001: the whole model (embeddings, blocks, head) against a PyTorch model written from the spec in
/// float64, output and every gradient; the seed's parameter counts; no projection at initialisation, rows after one; the
/// seed's AdamW groups.
/// </summary>
public sealed class SeedNGptOracleTests
{
    private static readonly NGptConfig Tiny = NGptConfig.From(new JsonObject
    {
        ["variant"] = "ngpt-seed", ["layers"] = 2, ["width"] = 12, ["heads"] = 2, ["context"] = 6, ["vocab"] = 300,
        ["alpha_init"] = 0.28, ["logit_scale"] = 10.0,
    });

    private const string Reference = """
        import torch.nn as nn
        import torch.nn.functional as F
        C, nh, V, ctx = inp["C"], inp["nh"], inp["V"], inp["ctx"]
        def norm(x):  # x * rsqrt(sum x^2 + 1e-8)
            return x * torch.rsqrt(x.pow(2).sum(dim=-1, keepdim=True) + 1e-8)
        class Attention(nn.Module):
            def __init__(self):
                super().__init__()
                self.qkv = nn.Linear(C, 3 * C, bias=False)
                self.out_proj = nn.Linear(C, C, bias=False)
            def forward(self, x):
                B, T, _ = x.shape
                q, k, v = self.qkv(x).split(C, dim=2)
                q, k, v = [t.view(B, T, nh, C // nh).transpose(1, 2) for t in (q, k, v)]
                att = (q @ k.transpose(-2, -1)) / math.sqrt(C // nh)
                att = att.masked_fill(~torch.tril(torch.ones(T, T, dtype=torch.bool)), float("-inf"))
                y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(B, T, C)
                return self.out_proj(y)
        class Block(nn.Module):  # x = Norm(x + alpha * f(x))
            def __init__(self, alpha_size):
                super().__init__()
                self.attn = Attention()
                self.fc1 = nn.Linear(C, 4 * C, bias=False)
                self.fc2 = nn.Linear(4 * C, C, bias=False)
                self.alpha_attn = nn.Parameter(torch.ones(alpha_size))
                self.alpha_mlp = nn.Parameter(torch.ones(alpha_size))
            def forward(self, x):
                x = norm(x + self.alpha_attn * self.attn(x))
                return norm(x + self.alpha_mlp * self.fc2(F.gelu(self.fc1(x))))
        class Model(nn.Module):
            def __init__(self, layers, alpha_size):
                super().__init__()
                self.wte = nn.Embedding(V, C)
                self.wpe = nn.Embedding(ctx, C)
                self.blocks = nn.ModuleList([Block(alpha_size) for _ in range(layers)])
                self.lm_head = nn.Linear(C, V, bias=False)
                self.logit_scale = nn.Parameter(torch.ones(1))
            def forward(self, idx):
                T = idx.size(1)
                x = norm(norm(self.wte(idx)) + norm(self.wpe(torch.arange(T))))
                for block in self.blocks: x = block(x)
                return (norm(x) @ norm(self.lm_head.weight).t()) * self.logit_scale
        def python_name(name):
            return name.replace(".qkv.", ".attn.qkv.").replace(".out_proj.", ".attn.out_proj.")
        def run(case):
            model = Model(case["layers"], case["alpha_size"])
            model.load_state_dict({python_name(k): T(v) for k, v in case["params"].items()})
            idx = T(case["tokens"]).long()
            logits = model(idx)
            F.cross_entropy(logits.reshape(-1, V), T(case["targets"]).long().reshape(-1)).backward()
            grads = dict(model.named_parameters())
            return {"logits": J(logits), "grads": {k: J(grads[python_name(k)].grad) for k in case["params"]}}
        out["cases"] = [run(case) for case in inp["cases"]]
        """;

    [Fact]
    public void The_seed_model_matches_a_PyTorch_model_written_from_the_spec_in_float64()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(13);
        string[] shapes = ["vector", "scalar"];
        var cases = new JsonArray();
        var actual = new List<(Tensor Logits, List<(string Name, Tensor Grad)> Grads)>();
        foreach (var shape in shapes)
        {
            using var model = new NGptModel(Tiny with { AlphaShape = shape });
            model.To(ScalarType.Float64);
            using (Torch.NoGrad())
            {
                // α and the logit scale away from their initial values, so that each of them matters in the comparison.
                foreach (var (_, p) in model.NamedParameters().Where(p => p.Parameter.Dim == 1))
                    p.CopyFrom(Torch.Rand(p.Shape, ScalarType.Float64) * 0.5 + 0.1);
            }
            var parameters = model.NamedParameters().ToList();
            var tokens = Torch.RandInt(0, Tiny.Vocab, [2, Tiny.Context]);
            var targets = Torch.RandInt(0, Tiny.Vocab, [2, Tiny.Context]);
            var logits = model.Forward(tokens);
            F.CrossEntropy(logits.Reshape(-1, Tiny.Vocab), targets.Reshape(-1)).Backward();
            actual.Add((logits.Detach(), parameters.Select(p => (p.Name, p.Parameter.Grad!.Clone())).ToList()));
            cases.Add(new JsonObject
            {
                ["layers"] = Tiny.Layers, ["alpha_size"] = shape == "scalar" ? 1 : Tiny.Width, ["params"] = ToJson(parameters),
                ["tokens"] = ToJson(tokens.To(ScalarType.Float64)), ["targets"] = ToJson(targets.To(ScalarType.Float64)),
            });
        }
        var expected = Run(Reference, new JsonObject
        {
            ["C"] = Tiny.Width, ["nh"] = Tiny.Heads, ["V"] = Tiny.Vocab, ["ctx"] = Tiny.Context, ["cases"] = cases,
        })["cases"]!.AsArray();

        for (var i = 0; i < shapes.Length; i++)
        {
            ShouldMatch(actual[i].Logits, expected[i]!["logits"]!, what: $"{shapes[i]} α logits");
            actual[i].Grads.Select(g => g.Name).Should().Contain(["wte.weight", "wpe.weight", "lm_head.weight", "logit_scale",
                "blocks.0.qkv.weight", "blocks.1.alpha_mlp"]);
            foreach (var (name, grad) in actual[i].Grads)
                ShouldMatch(grad, expected[i]!["grads"]![name]!, what: $"{shapes[i]} α {name} gradient");
        }
    }

    [Fact]
    public void The_seed_shape_has_the_seeds_exact_parameter_counts()
    {
        var seed = NGptConfig.From(new NGptFamily().Presets.Single(p => p.Name == "optimization-sweep").Config);
        seed.IsSeed.Should().BeTrue("the optimization sweep runs the seed's nGPT");
        long Count(NGptConfig c)
        {
            using var model = new NGptModel(c);
            return model.ParameterCount();
        }
        Count(seed).Should().Be(52_808_449, "the seed's table: vector α");
        Count(seed with { AlphaShape = "scalar" }).Should().Be(52_802_321, "the seed's table: scalar α");
    }

    [Fact]
    public void The_seed_model_is_not_projected_at_initialisation_and_a_projection_makes_every_row_unit()
    {
        Torch.ManualSeed(4);
        using var model = new NGptModel(Tiny);
        using (var before = model.WeightNormDeviation())
            before.ToDouble().Should().BeGreaterThan(0.3, "PyTorch's default initialisation: N(0, 1) embeddings, U(±1/√in) matrices");
        model.Project();
        using (var after = model.WeightNormDeviation())
            after.ToDouble().Should().BeLessThan(1e-6);
        using var scope = Torch.NewDisposeScope();
        foreach (var name in new[] { "wte.weight", "wpe.weight", "lm_head.weight", "blocks.0.out_proj.weight", "blocks.1.fc2.weight" })
        {
            var w = model.NamedParameters().Single(p => p.Name == name).Parameter;
            w.Norm(-1).ToArray<float>().Should().OnlyContain(n => Math.Abs(n - 1) < 1e-5, $"{name} is normalised along its rows (dim −1)");
        }
    }

    [Fact]
    public void The_seed_model_trains_with_the_seeds_AdamW_groups()
    {
        using var trainer = new NGptTrainer(Tiny with { WeightDecay = 0.01, LrWeights = 1e-3, LrOther = 3e-4 }, Device.Cpu, false, StepGraphs.Off);
        var groups = trainer.Optimizer.Groups;
        var names = trainer.Model.NamedParameters().ToDictionary(p => p.Parameter, p => p.Name, (IEqualityComparer<Tensor>)ReferenceEqualityComparer.Instance);
        groups.Should().HaveCount(2);
        groups[0].Parameters.Select(p => names[p]).Should().BeEquivalentTo(
            "blocks.0.qkv.weight", "blocks.0.out_proj.weight", "blocks.0.fc1.weight", "blocks.0.fc2.weight",
            "blocks.1.qkv.weight", "blocks.1.out_proj.weight", "blocks.1.fc1.weight", "blocks.1.fc2.weight");
        groups[1].Parameters.Select(p => names[p]).Should().BeEquivalentTo(
            "wte.weight", "wpe.weight", "lm_head.weight", "logit_scale",
            "blocks.0.alpha_attn", "blocks.0.alpha_mlp", "blocks.1.alpha_attn", "blocks.1.alpha_mlp");
        (groups[0].LearningRate, groups[0].WeightDecay, groups[1].LearningRate, groups[1].WeightDecay).Should().Be((1e-3, 0.01, 3e-4, 0.01));
    }
}
