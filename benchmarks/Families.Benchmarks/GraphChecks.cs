using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Torch;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.ResidualStreams;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Experiments.SympScale.Systems;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The GPU checks of the shared capture helper (<see cref="GraphedStep"/>), beside <see cref="GpuChecks"/>: each
/// family's graphed step against the same step run eagerly with the same capturable optimizer (the helper's rehearsal:
/// static inputs, the body run again every step), and the fallback on a real capture that fails, once refused by the
/// binding (a host read) and once by CUDA itself (an op whose output size depends on the data). Tolerances: 1e-4 where
/// backward passes sum with atomics (embeddings, index_add), whose order differs from run to run; tighter elsewhere.
/// </summary>
internal static class GraphChecks
{
    public const string ResidualStreamsPath = "graph-residual-streams";
    public const string SympScalePath = "graph-sympscale";
    public const string FallbackPath = "graph-fallback";
    public const string HarmonicPath = "graph-harmonic";

    public static IEnumerable<GpuCheck> Run(Device device) =>
    [
        .. SympScale(device),
        GpuChecks.Check("CUDA-graph residual-streams step (mHC demo shape) = the same step eager (loss, grad norm, parameters after 8 steps)",
            ResidualStreamsPath, 1e-4, () => ResidualStreams(device)),
        GpuChecks.Check("CUDA-graph Harmonic GPT step (harmonic, warm-up cosine rate from a tensor, no dropout) = the same step eager (after 8 steps)",
            HarmonicPath, 1e-4, () => Harmonic(device, "harmonic")),
        GpuChecks.Check("harmonic-moe (reads its expert counts on the host): capture refused with the reason, eager results", FallbackPath, 1e-4,
            () => Harmonic(device, "harmonic-moe")),
        GpuChecks.Check("a host read (ToDouble) in the step: capture refused with the reason, eager results", FallbackPath, 1e-6,
            () => Fallback(device, "ToDouble reads", (loss, _) => { loss.ToDouble(); })),
        GpuChecks.Check("an op CUDA cannot capture (nonzero) in the step: capture fails with the reason, eager results", FallbackPath, 1e-6,
            () => Fallback(device, "failed", (_, x) => x.Nonzero().Dispose())),
    ];

    private static double ResidualStreams(Device device)
    {
        var family = new ResidualStreamsFamily();
        var config = ResidualStreamsConfig.From(family.WithDefaults((JsonObject)family.Presets.Single(p => p.Name == "demo").Config.DeepClone()));
        var data = new IncrementingTokens(config.Vocab, config.SeqLen, config.Batch, config.Seed);
        (double[] Values, Tensor Parameters) Train(StepGraphs graphs)
        {
            Torch.ManualSeed(0);
            using var trainer = new StreamsTrainer(config, new TrainingDevice(device, false), graphs);
            var values = new List<double>();
            for (var step = 0; step < 8; step++)
            {
                using var scope = Torch.NewDisposeScope();
                var (inputs, targets) = data.Batch(step, device);
                var (loss, norm) = trainer.Step(inputs, targets);
                values.AddRange([loss, norm]);
            }
            if (graphs == StepGraphs.Cuda && !trainer.UsesCudaGraph) throw new InvalidOperationException($"no graph: {trainer.GraphFailure}");
            return (values.ToArray(), Flat(trainer.Model.Parameters()));
        }
        return Compare(Train(StepGraphs.Rehearsal), Train(StepGraphs.Cuda));
    }

    /// <summary>The SympScale models, in the order of its benchmark's rows.</summary>
    public static readonly string[] SympScaleModelNames = ["symp", "gru", "rk4", "freeform"];

    /// <summary>The name of <paramref name="model"/>'s SympScale check (the benchmark refuses its graph column when it failed).</summary>
    public static string SympScaleCheckName(string model) => model switch
    {
        "symp" => "CUDA-graph SympScale step (symp: spectral norm by the top singular pair, Newton projection, leapfrog warm-up then Yoshida-4; " +
                  "float64) = the same step eager = the step with σ_max by linalg's matrix norm (after 12 steps)",
        "rk4" => "CUDA-graph SympScale step (rk4: the same H with RK4, spectral norm, projection; float64) = eager = the matrix-norm step (after 12 steps)",
        _ => $"CUDA-graph SympScale step ({model}, float64) = the same step eager (after 12 steps)",
    };

    /// <summary>One check per SympScale model: its graphed step against the same step eager, and against the plain definition.</summary>
    public static IEnumerable<GpuCheck> SympScale(Device device) =>
        SympScaleModelNames.Select(model => GpuChecks.Check(SympScaleCheckName(model), SympScalePath, 1e-9, () => SympScale(device, model)));

    /// <summary>
    /// The tiny preset for 12 steps (symp: 6 of them leapfrog, so that both variants are captured after the 3 warm-up
    /// steps). The trainer graphed on CUDA against the same trainer rehearsed (static inputs, the body run eagerly every
    /// step; the singular vectors computed before each step in both), and against a plain eager loop that divides by
    /// linalg's matrix 2-norm inside autograd (the spectral norm's definition; the same capturable AdamW): the larger
    /// relative difference of losses, gradient norms and parameters.
    /// </summary>
    private static double SympScale(Device device, string model)
    {
        var json = (JsonObject)new SympScaleFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        json["model"] = model;
        json["warmup_fraction"] = model == "symp" ? 0.5 : 0.0;
        json["steps"] = 12;
        var config = SympScaleConfig.From(json);
        var match = SympScaleCapacity.Match(config.Dim, config.ActionDim, config.Width)!;
        var system = SystemCatalogue.For(config);
        var warmupSteps = (long)Math.Round(config.WarmupFraction * config.Steps);
        Tensor Window(int step)
        {
            Torch.ManualSeed(200 + (ulong)step);
            return (Torch.Randn([config.Batch, config.BpttWindow + 1, config.Dim], ScalarType.Float64) * 0.1
                    + Tensor.From(new[] { 1.1557, 0, 0, 0 })).To(device);
        }
        using var mean = Torch.Zeros([config.Dim], ScalarType.Float64, device);
        using var std = Torch.Ones([config.Dim], ScalarType.Float64, device);
        (double[] Values, Tensor Parameters) Train(StepGraphs graphs)
        {
            Torch.ManualSeed(9);
            using var net = SympScaleModels.Build(config, match);
            net.To(device, ScalarType.Float64);
            using var trainer = new SympScaleTrainer(net, config, system, mean, std, device, graphs);
            var values = new List<double>();
            for (var step = 0; step < config.Steps; step++)
            {
                using var scope = Torch.NewDisposeScope();
                var (loss, norm) = trainer.Step(step, Window(step));
                values.AddRange([loss, norm]);
            }
            if (graphs == StepGraphs.Cuda && !trainer.UsesCudaGraph) throw new InvalidOperationException($"no graph: {trainer.GraphFailure}");
            if (graphs == StepGraphs.Rehearsal && !trainer.Captured) throw new InvalidOperationException($"the rehearsal fell back: {trainer.GraphFailure}");
            return (values.ToArray(), Flat(net.Parameters()));
        }
        (double[] Values, Tensor Parameters) Definition()
        {
            Torch.ManualSeed(9);
            using var net = SympScaleModels.Build(config, match);
            net.To(device, ScalarType.Float64);
            var parameters = net.Parameters().ToList();
            using var optimizer = new AdamW(parameters, config.LearningRate, weightDecay: 0.0, capturable: true);
            var values = new List<double>();
            for (var step = 0; step < config.Steps; step++)
            {
                using var scope = Torch.NewDisposeScope();
                if (net is Dashboard.Worker.Experiments.SympScale.Models.SympModel symp) symp.Leapfrog = step < warmupSteps;
                optimizer.ZeroGrad();
                var loss = SympScaleExecutor.Loss(net, Window(step), system, mean, std, config, singularVectors: null);
                loss.Backward();
                var norm = GradientClipping.ClipGradNormOnDevice(parameters, config.GradClip > 0 ? config.GradClip : double.PositiveInfinity);
                optimizer.Step();
                values.AddRange([loss.ToDouble(), norm.ToDouble()]);
            }
            return (values.ToArray(), Flat(parameters));
        }
        var graphed = Train(StepGraphs.Cuda);
        var copy = (graphed.Values, graphed.Parameters.Clone());   // each comparison disposes what it is given
        var rehearsed = Train(StepGraphs.Rehearsal);
        var definition = Definition();
        static string Head(double[] values) => string.Join(", ", values.Take(8).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)));
        Console.Error.WriteLine($"  sympscale {model}: (loss, grad norm) of the first steps: graphed {Head(graphed.Values)}; rehearsed {Head(rehearsed.Values)}; " +
            $"matrix-norm step {Head(definition.Values)}");
        var toRehearsal = Compare(rehearsed, graphed);
        var toDefinition = Compare(definition, copy);
        Console.Error.WriteLine($"  sympscale {model}: graph vs rehearsal {toRehearsal:0.###e+0}, graph vs the matrix-norm step {toDefinition:0.###e+0}");
        return Math.Max(toRehearsal, toDefinition);
    }

    /// <summary>
    /// A small harmonic GPT (tiny preset, dropout 0): graphed against rehearsed for the harmonic model; for harmonic-moe
    /// the capture must be refused for its host read, and the run equal the eager fallback.
    /// </summary>
    private static double Harmonic(Device device, string model)
    {
        var json = (JsonObject)new HarmonicFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        json["model"] = model;
        json["steps"] = 8;
        var config = Dashboard.Worker.Experiments.Harmonic.HarmonicConfig.From(json);
        (double[] Values, Tensor Parameters) Train(StepGraphs graphs)
        {
            Torch.ManualSeed(8);
            using var trainer = new Dashboard.Worker.Experiments.Harmonic.Gpt.GptTrainer(config, new TrainingDevice(device, false), graphs);
            var values = new List<double>();
            for (var step = 0; step < config.Steps; step++)
            {
                using var scope = Torch.NewDisposeScope();
                var inputs = Torch.RandInt(0, 256, [config.Batch, config.Context]);
                var targets = Torch.RandInt(0, 256, [config.Batch, config.Context]);
                var (loss, _, norm, _) = trainer.Step(step, inputs, targets);
                values.AddRange([loss, norm]);
            }
            if (graphs == StepGraphs.Cuda && model == "harmonic-moe")
            {
                if (trainer.GraphFailure?.Contains("reads a tensor's value on the host", StringComparison.Ordinal) != true)
                    throw new InvalidOperationException($"expected the capture to be refused for the host read, got {trainer.GraphFailure ?? "a graph"}");
            }
            else if (graphs == StepGraphs.Cuda && !trainer.UsesCudaGraph) throw new InvalidOperationException($"no graph: {trainer.GraphFailure}");
            return (values.ToArray(), Flat(trainer.Model.Parameters()));
        }
        // The MoE reference is the plain eager run with the same capturable optimizer (its rehearsal falls back too).
        return Compare(Train(StepGraphs.Rehearsal), Train(StepGraphs.Cuda));
    }

    /// <summary>
    /// A small regression whose step holds an uncapturable op: the capture must fail with a reason containing
    /// <paramref name="reason"/>, and the run must equal the same step run eagerly (0 when it does).
    /// </summary>
    private static double Fallback(Device device, string reason, Action<Tensor, Tensor> uncapturable)
    {
        (double[] Values, Tensor Parameters, string? Failure) Train(StepGraphs graphs)
        {
            Torch.ManualSeed(11);
            using var model = new Sequential(new Linear(3, 8), Activation.Tanh(), new Linear(8, 1));
            model.To(device);
            using var optimizer = new AdamW(model.Parameters(), learningRate: 0.05, weightDecay: 0.01, capturable: true);
            using var step = new GraphedStep(device, graphs, optimizer);
            var values = new List<double>();
            for (var s = 0; s < 6; s++)
            {
                using var scope = Torch.NewDisposeScope();
                Torch.ManualSeed(100 + (ulong)s);
                var x = Torch.Randn([16, 3]).To(device);
                var y = x.Sum(1, keepDim: true).Sin();
                values.Add(step.Step([x, y], batch =>
                {
                    var loss = F.MseLoss(model.Forward(batch[0]), batch[1]);
                    loss.Backward();
                    optimizer.Step();
                    uncapturable(loss, batch[0]);
                    return loss.Detach().Reshape(1);
                }).ToDouble());
            }
            return (values.ToArray(), Flat(model.Parameters()), step.Failure);
        }
        var eager = Train(StepGraphs.Off);
        var graphed = Train(StepGraphs.Cuda);
        if (graphed.Failure?.Contains(reason, StringComparison.Ordinal) != true)
            throw new InvalidOperationException($"expected a capture failure ({reason}), got {graphed.Failure ?? "a graph"}");
        Console.Error.WriteLine($"  fallback reason: {graphed.Failure}");
        return Compare((eager.Values, eager.Parameters), (graphed.Values, graphed.Parameters));
    }

    private static Tensor Flat(IEnumerable<Tensor> parameters)
    {
        using var scope = Torch.NewDisposeScope();
        return Torch.Cat(parameters.Select(p => p.Detach().Reshape(-1).To(ScalarType.Float64)).ToArray()).DetachFromDisposeScope();
    }

    /// <summary>The larger of the values' and the parameters' relative differences.</summary>
    private static double Compare((double[] Values, Tensor Parameters) expected, (double[] Values, Tensor Parameters) actual)
    {
        using (expected.Parameters)
        using (actual.Parameters)
        {
            var values = expected.Values.Zip(actual.Values, (e, a) => Math.Abs(a - e) / Math.Max(Math.Abs(e), 1e-30)).Max();
            return Math.Max(values, GpuChecks.RelativeError(actual.Parameters, expected.Parameters));
        }
    }
}
