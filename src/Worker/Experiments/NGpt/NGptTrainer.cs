using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// The model, its optimizer and one training step: the batch in the step's static input tensors, forward (in bf16
/// autocast when asked), cross entropy, backward, AdamW, then (nGPT) the weight-norm deviation and, on its steps,
/// the projection back onto the sphere. Two AdamW groups: matrices at lr_weights (with weight decay), everything else
/// at lr_other (ngpt-seed: the blocks' matrices, and everything else, both with weight decay, as the seed).
/// <para>
/// The step runs through <see cref="GraphedStep"/>: with <see cref="StepGraphs.Cuda"/> on a GPU it is captured once
/// in a CUDA graph after the warm-up and replayed (one launch for every kernel of forward, backward and optimizer;
/// AdamW keeps its step count on the device); a projection after every step is part of that graph (measured and
/// projected in one pass), a sparser one is a second graph. If capture fails the trainer says why in
/// <see cref="GraphFailure"/> and goes on eagerly.
/// </para>
/// </summary>
public sealed class NGptTrainer : IDisposable
{
    public const string ProjectionRegion = "the projection";

    private readonly NGptConfig _config;
    private readonly Device _device;
    private readonly bool _autocast;
    private readonly bool _chunkedHead;
    private readonly GraphedStep _graphs;
    private Tensor? _metrics;

    /// <param name="graphs">Whether the step is captured in a CUDA graph (<see cref="StepGraphs"/>).</param>
    /// <param name="chunkedHead">
    /// Train with the head and cross entropy computed chunk by chunk (<see cref="LinearCrossEntropy"/>): the same loss
    /// and gradients without the whole (B·T, V) logits in memory. Off by default: on an H200 at the seed's shape the
    /// chunked ATen path was slower (bf16 graph 110.8k vs 158.6k tokens/s, docs/benchmarks.md); it saves memory, and
    /// is the reference a fused kernel would replace. Validation always takes the plain path.
    /// </param>
    /// <param name="log">Where the capture, or the reason for training eagerly, is reported (the run's log).</param>
    public NGptTrainer(NGptConfig config, Device device, bool bf16Autocast, StepGraphs graphs, bool chunkedHead = false,
        Action<string>? log = null)
    {
        _chunkedHead = chunkedHead;
        _config = config;
        _device = device;
        _autocast = bf16Autocast;
        Model = new NGptModel(config);
        Model.To(device);
        var matrices = Model.Parameters().Where(p => p.Dim >= 2).ToList();
        var others = Model.Parameters().Where(p => p.Dim < 2).ToList();
        if (config.IsSeed) (matrices, others) = Model.SeedParameterGroups();   // the seed also decays its second group
        Optimizer = new AdamW(
            [new ParamGroup(matrices, config.LrWeights, config.WeightDecay), new ParamGroup(others, config.LrOther, config.IsSeed ? config.WeightDecay : 0.0)],
            capturable: GraphedStep.WantsCapturableOptimizer(graphs));
        _graphs = new GraphedStep(device, graphs, Optimizer, log);
    }

    public NGptModel Model { get; }
    public AdamW Optimizer { get; }

    /// <summary>Projections onto the sphere done so far, counted where they happen (set it when resuming).</summary>
    public long Projections { get; set; }

    /// <summary>Eager warm-up steps before the step is captured.</summary>
    public int WarmupSteps => _graphs.WarmupSteps;

    /// <summary>Whether steps are replayed from a captured CUDA graph now.</summary>
    public bool UsesCudaGraph => _graphs.UsesCudaGraph;

    /// <summary>Whether the step is captured (a CUDA graph or, in tests, a rehearsal) and replayed now.</summary>
    public bool Captured => _graphs.Captured;

    /// <summary>Why capture was given up (the trainer then runs eagerly), or null.</summary>
    public string? GraphFailure => _graphs.Failure;

    /// <summary>
    /// Runs training step <paramref name="step"/> on a batch (any device; copied into the step's own tensors).
    /// Queues the work and returns; <see cref="Metrics"/> waits for it.
    /// </summary>
    public void Step(long step, Tensor inputs, Tensor targets)
    {
        _metrics = _graphs.Step([inputs, targets], StepBody);
        if (_config.ProjectsAfter(step))
        {
            if (!ProjectsInStep) _graphs.Region(ProjectionRegion, Model.Project);
            Projections++;
        }
    }

    /// <summary>
    /// Whether the step itself ends with the projection (nGPT projecting after every step): measured and projected in
    /// one pass over the matrices, and no second graph to launch. Otherwise the projection runs on its steps after it.
    /// </summary>
    private bool ProjectsInStep => _config.Normalized && _config.ProjectionEvery == 1;

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

    /// <summary>Forward, backward, optimizer on the static batch; returns [loss] or [loss, weight-norm deviation] as a float32 tensor on the device.</summary>
    private Tensor StepBody(IReadOnlyList<Tensor> batch)
    {
        var (inputs, targets) = (batch[0], batch[1]);
        Tensor loss;
        if (_chunkedHead)
        {
            Tensor surrogate;
            using (_autocast ? Dashboard.Torch.Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null)
            {
                var (hidden, head) = Model.HiddenAndHead(inputs);                        // (B, T, C), (V, C)
                (loss, surrogate) = LinearCrossEntropy.Compute(hidden.Reshape(-1, _config.Width), head, targets.Reshape(-1));
            }
            surrogate.Backward();
        }
        else if (_config.FusedKernels)
        {
            // The head and the loss as one op: its kernel on a GPU where compiled in, the plain path's ops elsewhere.
            using (_autocast ? Dashboard.Torch.Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null)
            {
                var (hidden, head) = Model.HiddenAndHead(inputs);                        // (B, T, C), (V, C)
                loss = Fused.LinearCrossEntropy(hidden.Reshape(-1, _config.Width), head, targets.Reshape(-1)).To(ScalarType.Float32);
            }
            loss.Backward();
        }
        else
        {
            loss = Loss(inputs, targets);
            loss.Backward();
        }
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        if (ProjectsInStep) return Dashboard.Torch.Torch.Stack([loss.Detach(), Model.StepProjectingMeasuringDeviation(Optimizer)]);
        Optimizer.Step();
        if (!_config.Normalized) return loss.Detach().Reshape(1);
        return Dashboard.Torch.Torch.Stack([loss.Detach(), Model.WeightNormDeviation()]);
    }

    public void Dispose()
    {
        _graphs.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
