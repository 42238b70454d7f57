using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// A harmonic-family language model, its AdamW (β₂ from the config, weight decay on matrices only), the warm-up cosine
/// schedule and one training step (forward, cross entropy, backward, clipping, AdamW) through <see cref="GraphedStep"/>.
/// The step's learning-rate factor is one of its static inputs and AdamW reads each group's rate from a tensor when
/// the step may be captured, so a graph replays the schedule. The step returns [loss, grad norm, wave ratio, wave
/// score] (the last two with wave attention) for the run to read after it. harmonic-moe reads its experts' token counts
/// on the host to slice the batch, so its capture is refused and it trains eagerly, saying why.
/// </summary>
public sealed class GptTrainer : IDisposable
{
    private readonly HarmonicConfig _config;
    private readonly TrainingDevice _target;
    private readonly List<Tensor> _parameters;
    private readonly GraphedStep _graphs;

    public GptTrainer(HarmonicConfig config, TrainingDevice target, StepGraphs graphs, Action<string>? log = null)
    {
        _config = config;
        _target = target;
        Model = new HarmonicGpt(config);
        Model.To(target.Device);
        _parameters = Model.Parameters().ToList();
        Optimizer = new AdamW(
            [
                new ParamGroup(_parameters.Where(p => p.Dim >= 2), config.LearningRate, config.WeightDecay),
                new ParamGroup(_parameters.Where(p => p.Dim < 2), config.LearningRate, 0.0),
            ],
            beta2: config.Beta2, capturable: GraphedStep.WantsCapturableOptimizer(graphs));
        Schedule = new WarmupCosineSchedule(Optimizer, config.WarmupSteps, config.Steps,
            config.LearningRate > 0 ? config.MinLr / config.LearningRate : 1);
        _graphs = new GraphedStep(target.Device, graphs, Optimizer, log);
    }

    public HarmonicGpt Model { get; }
    public AdamW Optimizer { get; }
    public WarmupCosineSchedule Schedule { get; }

    /// <summary>Whether the step is captured (a CUDA graph or, in tests, a rehearsal) and replayed now.</summary>
    public bool Captured => _graphs.Captured;

    public bool UsesCudaGraph => _graphs.UsesCudaGraph;

    /// <summary>Why the step runs eagerly although graphs were asked for, or null.</summary>
    public string? GraphFailure => _graphs.Failure;

    /// <summary>Trains step <paramref name="step"/> on a batch (any device); waits for it and returns its values.</summary>
    public (double Loss, double LearningRate, double GradNorm, (double Ratio, double Score)? Wave) Step(long step, Tensor inputs, Tensor targets)
    {
        var factor = Schedule.Apply(step);   // the host rates, for the eager form and the checkpoint
        using var rate = Tensor.Scalar(factor, ScalarType.Float32);
        var values = _graphs.Step([inputs, targets, rate], Body).ToArray<double>();
        return (values[0], factor * _config.LearningRate, values[1], values.Length > 2 ? (values[2], values[3]) : null);
    }

    // [loss, grad norm, wave ratio, wave score], float32 on the device.
    private Tensor Body(IReadOnlyList<Tensor> batch)
    {
        Tensor loss;
        using (_target.Autocast())
        {
            var logits = Model.Forward(batch[0]);                                            // (B, T, vocab)
            loss = F.CrossEntropy(logits.Reshape(-1, _config.Vocab).To(ScalarType.Float32), batch[1].Reshape(-1));
        }
        Tensor? wave;
        using (Dashboard.Torch.Torch.NoGrad()) wave = Model.WaveStatisticsOnDevice();
        loss.Backward();
        var gradNorm = GradientClipping.ClipGradNormOnDevice(_parameters, _config.GradClip > 0 ? _config.GradClip : double.PositiveInfinity);
        if (Optimizer.Capturable)
            foreach (var group in Optimizer.Groups) group.LearningRateTensor = batch[2] * group.InitialLearningRate;
        try
        {
            Optimizer.Step();
        }
        finally
        {
            foreach (var group in Optimizer.Groups) group.LearningRateTensor = null;
        }
        List<Tensor> parts = [loss.Detach().Reshape(1), gradNorm.To(ScalarType.Float32).Reshape(1)];
        if (wave is not null) parts.Add(wave);
        return Dashboard.Torch.Torch.Cat([.. parts]);
    }

    public void Dispose()
    {
        _graphs.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
