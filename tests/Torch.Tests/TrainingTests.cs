using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Torch.Tests;

public class TrainingTests
{
    private static readonly float[] XorInputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] XorTargets = [0, 1, 1, 0];

    [Fact]
    public void Small_mlp_learns_xor()
    {
        Torch.ManualSeed(3);
        using var model = new Sequential(new Linear(2, 8), Activation.Tanh(), new Linear(8, 1));
        using var optimizer = new AdamW(model.Parameters(), learningRate: 0.05, weightDecay: 0.0);
        using var x = Tensor.From(XorInputs, [4, 2]);
        using var y = Tensor.From(XorTargets, [4, 1]);
        double loss = 0;
        for (var step = 0; step < 300; step++)
        {
            using var scope = Torch.NewDisposeScope();
            optimizer.ZeroGrad();
            var l = F.MseLoss(model.Forward(x), y);
            l.Backward();
            optimizer.Step();
            loss = l.ToDouble();
        }
        loss.Should().BeLessThan(0.01);
        using (Torch.NoGrad())
        using (var prediction = model.Forward(x))
            prediction.ToArray<float>().Select(p => p > 0.5f ? 1f : 0f).Should().Equal(XorTargets);
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Sequential _layers;

        public Net() => _layers = RegisterModule("layers", new Sequential(
            new Linear(4, 16), Activation.Gelu(), new NN.Dropout(0.2), new Linear(16, 16), Activation.Silu(), new Linear(16, 3)));

        public override Tensor Forward(Tensor input) => _layers.Forward(input);
    }

    /// <summary>Batches and dropout masks come from the global generator, so the checkpoint must carry its state too.</summary>
    private static void Train(Net model, AdamW optimizer, WarmupCosineSchedule schedule, int from, int to)
    {
        for (var step = from; step < to; step++)
        {
            using var scope = Torch.NewDisposeScope();
            schedule.Apply(step);
            var x = Torch.Randn([8, 4]);
            var target = Torch.RandInt(0, 3, [8]);
            optimizer.ZeroGrad();
            var loss = F.CrossEntropy(model.Forward(x), target);
            loss.Backward();
            GradientClipping.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
        }
    }

    [Fact]
    public void Checkpoint_resumes_training_bit_identically()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dashtorch-{Guid.NewGuid():N}.safetensors");
        try
        {
            Torch.ManualSeed(42);
            using var straight = new Net();
            using var straightOptimizer = new AdamW(straight.Parameters(), 3e-3);
            Train(straight, straightOptimizer, new WarmupCosineSchedule(straightOptimizer, 5, 40), 0, 40);

            Torch.ManualSeed(42);
            using (var first = new Net())
            using (var firstOptimizer = new AdamW(first.Parameters(), 3e-3))
            {
                Train(first, firstOptimizer, new WarmupCosineSchedule(firstOptimizer, 5, 40), 0, 20);
                Checkpoint.Save(path, first, firstOptimizer, new Dictionary<string, string> { ["step"] = "20" });
            }

            Torch.ManualSeed(999); // a different initialisation and generator state, all overwritten by the load
            using var resumed = new Net();
            using var resumedOptimizer = new AdamW(resumed.Parameters(), 3e-3);
            var metadata = Checkpoint.Load(path, resumed, resumedOptimizer);
            metadata["step"].Should().Be("20");
            Train(resumed, resumedOptimizer, new WarmupCosineSchedule(resumedOptimizer, 5, 40), 20, 40);

            foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
                a.Equal(b).Should().BeTrue($"{name} should be bit-identical");
            foreach (var (key, a) in straightOptimizer.StateTensors())
                a.Equal(resumedOptimizer.StateTensors()[key]).Should().BeTrue($"optimizer state {key} should be bit-identical");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Safetensors_round_trips_every_dtype_and_metadata()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dashtorch-{Guid.NewGuid():N}.safetensors");
        using var scope = Torch.NewDisposeScope();
        var source = Torch.Randn([3, 5]);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = source,
            ["bf16"] = source.To(ScalarType.BFloat16),
            ["f16"] = source.To(ScalarType.Float16),
            ["f64"] = source.To(ScalarType.Float64),
            ["i64"] = Torch.Arange(7),
            ["bool"] = source.Gt(0),
            ["scalar"] = Tensor.Scalar(2.5),
        };
        try
        {
            SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["note"] = "hello" });
            using var loaded = SafeTensors.Load(path);
            loaded.Metadata["note"].Should().Be("hello");
            foreach (var (name, t) in tensors)
            {
                loaded.Tensors[name].Dtype.Should().Be(t.Dtype, name);
                loaded.Tensors[name].Shape.Should().Equal(t.Shape, name);
                loaded.Tensors[name].Equal(t).Should().BeTrue(name);
            }

            var check = PyTorchOracle.Run("""
                import struct
                with open(inp["path"], "rb") as f:
                    n = struct.unpack("<Q", f.read(8))[0]
                    header = json.loads(f.read(n))
                    data = f.read()
                meta = header.pop("__metadata__")
                e = header["f64"]; a, b = e["data_offsets"]
                t = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float64).reshape(e["shape"])
                out.update(note=meta["note"], f64=J(t), names=sorted(header))
                """, new System.Text.Json.Nodes.JsonObject { ["path"] = path });
            check["note"]!.GetValue<string>().Should().Be("hello");
            PyTorchOracle.ShouldMatch(tensors["f64"], check["f64"]!, rtol: 0, atol: 0);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class AdamWForeachTests
{
    [Fact]
    public void Foreach_and_per_tensor_updates_are_bit_identical()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(8);
        var start = new[] { Torch.Randn([3, 4]), Torch.Randn([4]) };
        var grads = Enumerable.Range(0, 4).Select(_ => new[] { Torch.Randn([3, 4]), Torch.Randn([4]) }).ToList();
        Tensor[] Run(bool useForeach)
        {
            var ps = start.Select(t => t.Clone().RequiresGrad_().DetachFromDisposeScope()).ToArray();
            using var opt = new AdamW(ps, 1e-2, weightDecay: 0.1, useForeach: useForeach);
            opt.Foreach.Should().Be(useForeach);
            foreach (var g in grads)
            {
                for (var i = 0; i < ps.Length; i++) ps[i].Grad = g[i];
                opt.Step();
            }
            return ps;
        }
        var a = Run(true);
        var b = Run(false);
        for (var i = 0; i < a.Length; i++)
        {
            a[i].Equal(b[i]).Should().BeTrue();
            a[i].Dispose();
            b[i].Dispose();
        }
    }
}
