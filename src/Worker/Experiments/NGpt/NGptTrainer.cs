using Dashboard.Torch;
using Dashboard.Torch.Optim;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// The model, its optimizer and one training step: copy the batch into fixed input tensors, forward (in bf16
/// autocast when asked), cross entropy, backward, AdamW, then (nGPT) the weight-norm deviation and, on its steps,
/// the projection back onto the sphere. Two AdamW groups: matrices at lr_weights (with weight decay), everything else
/// at lr_other (ngpt-seed: the blocks' matrices, and everything else, both with weight decay, as the seed).
/// <para>
/// On CUDA the step's shapes never change, so with <c>cudaGraph</c> the whole step is captured once in a CUDA graph
/// and replayed after that (one launch for every kernel of forward, backward and optimizer; AdamW keeps its step
/// count on the device). The first <see cref="WarmupSteps"/> steps run eagerly on a side stream, as capture wants;
/// they are real steps of the run. If capture fails the trainer says why in <see cref="GraphFailure"/> and goes on
/// eagerly. The projection is a second graph, replayed on its steps.
/// </para>
/// </summary>
public sealed class NGptTrainer : IDisposable
{
    public const int WarmupSteps = 3;

    private readonly NGptConfig _config;
    private readonly Device _device;
    private readonly bool _autocast;
    private readonly Tensor _inputs, _targets;
    private readonly bool _chunkedHead;
    private bool _graphMode;
    private CudaGraph? _stepGraph, _projectionGraph;
    private Tensor? _metrics;
    private long _stepsRun;

    /// <param name="chunkedHead">
    /// Train with the head and cross entropy computed chunk by chunk (<see cref="LinearCrossEntropy"/>): the same loss
    /// and gradients without the whole (B·T, V) logits in memory. Off by default: on an H200 at the seed's shape the
    /// chunked ATen path was slower (bf16 graph 110.8k vs 158.6k tokens/s, docs/benchmarks.md); it saves memory, and
    /// is the reference a fused kernel would replace. Validation always takes the plain path.
    /// </param>
    public NGptTrainer(NGptConfig config, Device device, bool bf16Autocast, bool cudaGraph, bool chunkedHead = false)
    {
        _chunkedHead = chunkedHead;
        _config = config;
        _device = device;
        _autocast = bf16Autocast;
        _graphMode = cudaGraph && device.IsCuda;
        Model = new NGptModel(config);
        Model.To(device);
        var matrices = Model.Parameters().Where(p => p.Dim >= 2).ToList();
        var others = Model.Parameters().Where(p => p.Dim < 2).ToList();
        if (config.IsSeed) (matrices, others) = Model.SeedParameterGroups();   // the seed also decays its second group
        Optimizer = new AdamW(
            [new ParamGroup(matrices, config.LrWeights, config.WeightDecay), new ParamGroup(others, config.LrOther, config.IsSeed ? config.WeightDecay : 0.0)],
            capturable: _graphMode);
        _inputs = Dashboard.Torch.Torch.Zeros([config.Batch, config.Context], ScalarType.Int64, device).DetachFromDisposeScope();
        _targets = Dashboard.Torch.Torch.Zeros([config.Batch, config.Context], ScalarType.Int64, device).DetachFromDisposeScope();
    }

    public NGptModel Model { get; }
    public AdamW Optimizer { get; }

    /// <summary>Whether steps are replayed from a captured CUDA graph now.</summary>
    public bool UsesCudaGraph => _stepGraph is not null;

    /// <summary>Why capture was given up (the trainer then runs eagerly), or null.</summary>
    public string? GraphFailure { get; private set; }

    /// <summary>
    /// Runs training step <paramref name="step"/> on a batch (any device; copied into the trainer's own tensors).
    /// Queues the work and returns; <see cref="Metrics"/> waits for it.
    /// </summary>
    public void Step(long step, Tensor inputs, Tensor targets)
    {
        _inputs.CopyFrom(inputs);
        _targets.CopyFrom(targets);
        if (!_graphMode)
        {
            Replace(EagerStep());
        }
        else if (_stepsRun < WarmupSteps)
        {
            using (Cuda.SideStream(_device.Index)) Replace(EagerStep());
        }
        else if (_stepGraph is null && !TryCaptureStep())   // captures on the first step after the warm-up
        {
            Replace(EagerStep());                            // capture failed: this step, and the rest, eagerly
        }
        else
        {
            _stepGraph!.Replay();
        }
        if (_config.ProjectsAfter(step)) Project();
        _stepsRun++;
    }

    /// <summary>The last step's train loss and (nGPT) weight-norm deviation; waits for the device.</summary>
    public (double Loss, double? WeightNormDeviation) Metrics()
    {
        var values = (_metrics ?? throw new InvalidOperationException("no step has run")).ToArray<float>();
        return (values[0], values.Length > 1 ? values[1] : null);
    }

    /// <summary>Mean cross entropy over the given batches, without gradients (eagerly, whatever the step does).</summary>
    public double ValidationLoss(IReadOnlyList<(Tensor Inputs, Tensor Targets)> batches)
    {
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        Tensor? sum = null;
        foreach (var (inputs, targets) in batches)
        {
            var loss = Loss(inputs.To(_device), targets.To(_device));
            sum = sum is null ? loss : sum + loss;
        }
        return sum!.ToDouble() / batches.Count;
    }

    private Tensor Loss(Tensor inputs, Tensor targets)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        Tensor loss;
        using (_autocast ? Dashboard.Torch.Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null)
        {
            var logits = Model.Forward(inputs);                                         // (B, T, V)
            loss = F.CrossEntropy(logits.Reshape(-1, _config.Vocab), targets.Reshape(-1));
        }
        return loss.To(ScalarType.Float32).MoveToOuterScope();
    }

    /// <summary>Forward, backward, optimizer; returns [loss] or [loss, weight-norm deviation] as a float32 tensor on the device.</summary>
    private Tensor StepBody(bool zeroGrad)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        if (zeroGrad) Optimizer.ZeroGrad();
        Tensor loss;
        if (_chunkedHead)
        {
            Tensor surrogate;
            using (_autocast ? Dashboard.Torch.Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null)
            {
                var (hidden, head) = Model.HiddenAndHead(_inputs);                       // (B, T, C), (V, C)
                (loss, surrogate) = LinearCrossEntropy.Compute(hidden.Reshape(-1, _config.Width), head, _targets.Reshape(-1));
            }
            surrogate.Backward();
        }
        else
        {
            loss = Loss(_inputs, _targets);
            loss.Backward();
        }
        Optimizer.Step();
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        var metrics = _config.Normalized
            ? Dashboard.Torch.Torch.Stack([loss.Detach(), Model.WeightNormDeviation()])
            : loss.Detach().Reshape(1);
        return metrics.DetachFromDisposeScope();
    }

    private Tensor EagerStep() => StepBody(zeroGrad: true);

    private void Replace(Tensor metrics)
    {
        _metrics?.Dispose();
        _metrics = metrics;
    }

    // Capture records the kernels without running them, so a captured step is replayed at once. Gradients are
    // dropped first so that backward allocates them from the graph's memory pool: replays then write them in place.
    private bool TryCaptureStep()
    {
        PrepareCapture();
        Optimizer.ZeroGrad();
        Tensor? metrics = null;
        var graph = Capture(() => metrics = StepBody(zeroGrad: false), "the training step");
        if (graph is null)
        {
            metrics?.Dispose();
            return false;
        }
        Replace(metrics!);
        _stepGraph = graph;
        return true;
    }

    private void Project()
    {
        if (!_graphMode || _stepsRun < WarmupSteps)
        {
            if (_graphMode) using (Cuda.SideStream(_device.Index)) Model.Project();
            else Model.Project();
            return;
        }
        if (_projectionGraph is null)
        {
            PrepareCapture();
            _projectionGraph = Capture(Model.Project, "the projection");
            if (_projectionGraph is null)
            {
                Model.Project();
                return;
            }
        }
        _projectionGraph.Replay();
    }

    /// <summary>The graph of <paramref name="body"/>, or null (graphs given up, with the first error as the reason).</summary>
    private CudaGraph? Capture(Action body, string what)
    {
        var graph = new CudaGraph();
        TorchException? failure = null;
        try
        {
            graph.BeginCapture(_device.Index);
            try
            {
                body();
            }
            catch (TorchException e)
            {
                failure = e;
            }
            graph.EndCapture();
        }
        catch (TorchException e)
        {
            failure ??= e;
        }
        if (failure is null) return graph;
        graph.Dispose();
        GiveUpGraphs($"capturing {what} in a CUDA graph failed: {failure.Message}");
        return null;
    }

    private void PrepareCapture()
    {
        // Nothing may free CUDA memory from another thread while a capture is open: collect the garbage first.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Cuda.Synchronize(_device.Index);
    }

    private void GiveUpGraphs(string reason)
    {
        GraphFailure ??= reason;
        _graphMode = false;
        _stepGraph?.Dispose();
        _stepGraph = null;
        _projectionGraph?.Dispose();
        _projectionGraph = null;
        Optimizer.ZeroGrad();
    }

    public void Dispose()
    {
        _stepGraph?.Dispose();
        _projectionGraph?.Dispose();
        _metrics?.Dispose();
        _inputs.Dispose();
        _targets.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
