using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.SympScale.Systems;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>
/// A SympScale model's optimizer (Adam: AdamW without weight decay) and one training step (the k-step rollout loss,
/// backward, global-norm clipping, Adam) through <see cref="GraphedStep"/>, so that on a GPU the whole rollout and
/// its backward pass replay as one CUDA graph. The leapfrog warm-up phase is a variant of the step with its own graph.
/// The spectral norm's SVD runs before the step, outside the graph (see <see cref="Step"/>).
/// The update is applied even when the loss is not finite; the run then ends at that step, reporting the same loss as
/// the eager loop that stopped before the update.
/// </summary>
public sealed class SympScaleTrainer : IDisposable
{
    private readonly Models.WorldModel _model;
    private readonly SympScaleConfig _config;
    private readonly PhaseSystem _system;
    private readonly Tensor _mean, _std;
    private readonly List<Tensor> _parameters;
    private readonly GraphedStep _graphs;

    /// <param name="model">The model, already on its device and dtype (the caller disposes it).</param>
    public SympScaleTrainer(Models.WorldModel model, SympScaleConfig config, PhaseSystem system, Tensor mean, Tensor std,
        Device device, StepGraphs graphs, Action<string>? log = null)
    {
        _model = model;
        _config = config;
        _system = system;
        _mean = mean;
        _std = std;
        _parameters = model.Parameters().ToList();
        Optimizer = new AdamW(_parameters, config.LearningRate, weightDecay: 0.0,
            capturable: GraphedStep.WantsCapturableOptimizer(graphs));
        _graphs = new GraphedStep(device, graphs, Optimizer, log);
    }

    public AdamW Optimizer { get; }

    /// <summary>Whether the step is captured (a CUDA graph or, in tests, a rehearsal) and replayed now.</summary>
    public bool Captured => _graphs.Captured;

    public bool UsesCudaGraph => _graphs.UsesCudaGraph;

    /// <summary>Why the step runs eagerly although graphs were asked for, or null.</summary>
    public string? GraphFailure => _graphs.Failure;

    /// <summary>Trains on one (B, k+1, D) window batch; waits for the step and returns its loss and gradient norm (before clipping).</summary>
    public (double Loss, double GradNorm) Step(long step, Tensor window)
    {
        var leapfrog = step < WarmupSteps;
        if (_model is Models.SympModel symp) symp.Leapfrog = leapfrog;
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        // The spectral norm's SVD reads its error info on the host, which a CUDA graph cannot hold: it runs here, before
        // the step, on the present weights, and the step gets the top singular vectors as inputs (copied into its
        // static tensors before each replay). Eager or graphed, the step computes the same thing.
        Tensor[] inputs = [window, .. _model.TopSingularVectors()];
        var values = _graphs.Step(inputs, Body, leapfrog && _model is Models.SympModel ? "leapfrog warm-up" : null).ToArray<double>();
        return (values[0], values[1]);
    }

    /// <summary>Steps of the leapfrog warm-up phase (warmup_fraction of the run).</summary>
    public long WarmupSteps => (long)Math.Round(_config.WarmupFraction * _config.Steps);

    /// <summary>The step over its static inputs: the window, then the model's singular vectors.</summary>
    private Tensor Body(IReadOnlyList<Tensor> inputs)
    {
        var loss = SympScaleExecutor.Loss(_model, inputs[0], _system, _mean, _std, _config, inputs.Skip(1).ToArray());
        loss.Backward();
        var gradNorm = GradientClipping.ClipGradNormOnDevice(_parameters, _config.GradClip > 0 ? _config.GradClip : double.PositiveInfinity);
        Optimizer.Step();
        return Dashboard.Torch.Torch.Stack([loss.Detach(), gradNorm.To(loss.Dtype)]);
    }

    public void Dispose()
    {
        _graphs.Dispose();
        Optimizer.Dispose();
    }
}
