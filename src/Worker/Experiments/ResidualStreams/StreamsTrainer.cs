using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// A residual-streams model, its AdamW and one training step (forward, cross entropy, backward, the gradient norm,
/// AdamW) through <see cref="GraphedStep"/>, so that on a GPU the whole step is one replayed CUDA graph. Nothing in the
/// step is read on the host: it returns the loss, the gradient norm and the residual mixers after the update (the gain
/// proxy's input; and before it, for a run that stops at a non-finite loss), and the executor reads them after the
/// step. Computing the mixers inside the step keeps their Sinkhorn iterations in the graph: read eagerly after each
/// step they were thousands of small launches and a copy per layer. The update is applied even when the loss is not finite (as
/// on_nan: continue wants); with on_nan: stop the run ends at that step, and what it reports (the loss and the gain
/// proxy before the update) is what the eager loop that stopped before the update reported.
/// </summary>
public sealed class StreamsTrainer : IDisposable
{
    private readonly ResidualStreamsConfig _config;
    private readonly TrainingDevice _target;
    private readonly List<Tensor> _parameters;
    private readonly GraphedStep _graphs;
    private float[] _last = [];
    private int _beforeLength;   // how many of _last's values after the loss and the gradient norm are the mixers before the update

    public StreamsTrainer(ResidualStreamsConfig config, TrainingDevice target, StepGraphs graphs, Action<string>? log = null)
    {
        _config = config;
        _target = target;
        Model = StreamsModel.Create(config);
        Model.To(target.Device);
        Optimizer = new AdamW(Model.Parameters(), config.LearningRate, weightDecay: config.WeightDecay,
            capturable: GraphedStep.WantsCapturableOptimizer(graphs));
        _parameters = Model.Parameters().ToList();
        _graphs = new GraphedStep(target.Device, graphs, Optimizer, log);
    }

    public StreamsModel Model { get; }
    public AdamW Optimizer { get; }

    /// <summary>Whether the step is captured (a CUDA graph or, in tests, a rehearsal) and replayed now.</summary>
    public bool Captured => _graphs.Captured;

    public bool UsesCudaGraph => _graphs.UsesCudaGraph;

    /// <summary>Why the step runs eagerly although graphs were asked for, or null.</summary>
    public string? GraphFailure => _graphs.Failure;

    /// <summary>Runs one step on a batch (any device); waits for it and returns its loss and gradient norm.</summary>
    public (double Loss, double GradNorm) Step(Tensor inputs, Tensor targets)
    {
        _last = _graphs.Step([inputs, targets], Body).ToArray<float>();
        return (_last[0], _last[1]);
    }

    /// <summary>The gain proxy of the mixers before the last step's update (what a run that stops there reports).</summary>
    public double GainProxyBeforeLastStep() => StreamsModel.GainProxyOf(_last[2..(2 + _beforeLength)], _config.Streams);

    /// <summary>The gain proxy of the mixers after the last step's update (<see cref="StreamsModel.GainProxy"/> then).</summary>
    public double GainProxyAfterLastStep() => StreamsModel.GainProxyOf(_last[(2 + _beforeLength)..], _config.Streams);

    // [loss, grad norm, H_res,1 … H_res,L before the update (flattened; only for on_nan: stop), the same after], float32
    // on the device.
    private Tensor Body(IReadOnlyList<Tensor> batch)
    {
        Tensor before;
        using (Dashboard.Torch.Torch.NoGrad())
        {
            // Only a run that stops at a non-finite loss reports the mixers before the update; the others skip the work.
            before = _config.ContinueOnNan ? Dashboard.Torch.Torch.Zeros([0], ScalarType.Float32, _target.Device) : FlatMixings();
            _beforeLength = (int)before.NumEl;
        }
        Tensor loss;
        using (_target.Autocast())
        {
            var logits = Model.Forward(batch[0]);                                  // (B, T, vocab)
            loss = F.CrossEntropy(logits.Reshape(-1, _config.Vocab), batch[1].Reshape(-1));
        }
        loss.Backward();
        var gradNorm = GradientClipping.ClipGradNormOnDevice(_parameters, double.PositiveInfinity);
        Optimizer.Step();
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        return Dashboard.Torch.Torch.Cat([loss.Detach().To(ScalarType.Float32).Reshape(1), gradNorm.To(ScalarType.Float32).Reshape(1), before, FlatMixings()]);
    }

    // H_res,1 … H_res,L flattened, float32 (empty for the baseline).
    private Tensor FlatMixings()
    {
        using var mixings = Model.Mixings();
        return mixings is null
            ? Dashboard.Torch.Torch.Zeros([0], ScalarType.Float32, _target.Device)
            : mixings.To(ScalarType.Float32).Reshape(-1);
    }

    public void Dispose()
    {
        _graphs.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
