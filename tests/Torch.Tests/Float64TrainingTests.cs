using System.Text.Json.Nodes;
using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using static Dashboard.Torch.Tests.PyTorchOracle;

namespace Dashboard.Torch.Tests;

/// <summary>
/// float64 end to end: Adam (AdamW without decay) keeps float64 moments and matches PyTorch's Adam to 1e-12, and
/// a checkpoint round-trips parameters and optimizer state bit for bit, so a resumed run continues exactly.
/// </summary>
public class Float64TrainingTests
{
    public Float64TrainingTests() => Torch.ManualSeed(21);

    private static Tensor Loss(Linear model, Tensor x) => model.Forward(x).Tanh().Square().Mean();

    [Fact]
    public void Adam_in_float64_matches_PyTorch_and_keeps_float64_state()
    {
        using var scope = Torch.NewDisposeScope();
        using var model = new Linear(3, 2);
        model.To(ScalarType.Float64);
        var x = Torch.Randn([5, 3], ScalarType.Float64);
        var w0 = model.Weight.Clone();
        var b0 = model.Bias!.Clone();
        using var adam = new AdamW(model.Parameters(), learningRate: 0.05, weightDecay: 0);
        for (var i = 0; i < 4; i++)
        {
            adam.ZeroGrad();
            Loss(model, x).Backward();
            adam.Step();
        }
        adam.StateTensors().Values.Should().OnlyContain(t => t.Dtype == ScalarType.Float64 || t.NumEl == 1);
        model.Weight.Dtype.Should().Be(ScalarType.Float64);

        var result = Run("""
            lin = torch.nn.Linear(3, 2)
            with torch.no_grad():
                lin.weight.copy_(T(inp["w"])); lin.bias.copy_(T(inp["b"]))
            x = T(inp["x"])
            opt = torch.optim.Adam(lin.parameters(), lr=0.05)
            for _ in range(4):
                opt.zero_grad(); lin(x).tanh().square().mean().backward(); opt.step()
            out = {"w": J(lin.weight), "b": J(lin.bias)}
            """, new JsonObject { ["w"] = ToJson(w0), ["b"] = ToJson(b0), ["x"] = ToJson(x) });
        ShouldMatch(model.Weight, result["w"]!, rtol: 1e-12, atol: 1e-14);
        ShouldMatch(model.Bias!, result["b"]!, rtol: 1e-12, atol: 1e-14);
    }

    [Fact]
    public void A_float64_checkpoint_resumes_bit_for_bit()
    {
        var path = Path.Combine(Path.GetTempPath(), $"f64-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = Torch.NewDisposeScope();
            var x = Torch.Randn([5, 3], ScalarType.Float64);
            using var a = new Linear(3, 2);
            a.To(ScalarType.Float64);
            using var adamA = new AdamW(a.Parameters(), 0.05, weightDecay: 0);
            void Train(Linear m, AdamW o, int steps)
            {
                for (var i = 0; i < steps; i++) { o.ZeroGrad(); Loss(m, x).Backward(); o.Step(); }
            }
            Train(a, adamA, 3);
            Checkpoint.Save(path, a, adamA);
            Train(a, adamA, 2);

            using var b = new Linear(3, 2);
            b.To(ScalarType.Float64);
            using var adamB = new AdamW(b.Parameters(), 0.05, weightDecay: 0);
            Checkpoint.Load(path, b, adamB);
            Train(b, adamB, 2);
            b.Weight.ToArray<double>().Should().Equal(a.Weight.ToArray<double>());
            b.Bias!.ToArray<double>().Should().Equal(a.Bias!.ToArray<double>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
