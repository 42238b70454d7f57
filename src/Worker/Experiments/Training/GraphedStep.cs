using Dashboard.Torch;
using Dashboard.Torch.Optim;

namespace Dashboard.Worker.Experiments.Training;

/// <summary>
/// Runs a trainer's step (forward, backward, optimizer) eagerly or as a replayed CUDA graph, the one place where the
/// built-in families capture. The step is a body over static input tensors that returns a fresh tensor of what the
/// trainer reads afterwards (loss, norms); the body must not read values on the host (<see cref="HostReads"/>), and
/// the optimizer must keep its state on the device (AdamW with <c>capturable</c>).
/// <para>
/// With <see cref="StepGraphs.Cuda"/> the first <see cref="WarmupSteps"/> steps run eagerly on a side stream, as
/// capture wants; they are real steps. The next step is captured (gradients are dropped first, so that backward
/// allocates them from the graph's memory pool and replays write them in place) and replayed at once, and every later
/// step copies its inputs into the static tensors and replays. Further regions (a projection after the step) are
/// graphs of their own, captured at their first run after the warm-up. If the device is not CUDA, or any capture
/// fails, every region goes on eagerly and <see cref="Failure"/> says why (also written to the log once).
/// <see cref="StepGraphs.Rehearsal"/> is the same discipline on any device, for tests.
/// </para>
/// </summary>
public sealed class GraphedStep : IDisposable
{
    public const int DefaultWarmupSteps = 3;

    /// <summary>The name of the training step's region (in log lines and failures).</summary>
    public const string TrainingStep = "the training step";

    private readonly Device _device;
    private readonly Optimizer? _optimizer;
    private readonly Action<string>? _log;
    private readonly Dictionary<string, CapturedRegion> _regions = [];
    private StepGraphs _mode;
    private long _steps;

    /// <param name="optimizer">The step's optimizer: its gradients are dropped before every eager step and before
    /// capture; a failed rehearsal restores its parameters and state.</param>
    /// <param name="log">Where a capture, or the reason for training eagerly, is reported (the run's log).</param>
    public GraphedStep(Device device, StepGraphs graphs, Optimizer? optimizer, Action<string>? log = null, int warmupSteps = DefaultWarmupSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        _device = device;
        _optimizer = optimizer;
        _log = log;
        WarmupSteps = warmupSteps;
        Requested = graphs;
        _mode = graphs;
        if (graphs == StepGraphs.Cuda && !device.IsCuda)
            GiveUp($"CUDA graphs need a CUDA device, and this run is on {device}");
        else if (graphs != StepGraphs.Off && optimizer is AdamW { Capturable: false })
            GiveUp("the optimizer keeps its step count on the host (AdamW without capturable), so its step cannot be captured");
    }

    /// <summary>
    /// Whether the step's optimizer must keep its state on the device (AdamW's capturable): whenever graphs are asked
    /// for, also where they then fall back, so that a fallback computes exactly what the graph would have.
    /// </summary>
    public static bool WantsCapturableOptimizer(StepGraphs graphs) => graphs != StepGraphs.Off;

    public int WarmupSteps { get; }

    /// <summary>What the trainer asked for.</summary>
    public StepGraphs Requested { get; }

    /// <summary>Training steps run so far through this object.</summary>
    public long StepsRun => _steps;

    /// <summary>Whether the training step is replayed from a captured CUDA graph now.</summary>
    public bool UsesCudaGraph => _mode == StepGraphs.Cuda && Captured;

    /// <summary>Whether the training step has been captured (a CUDA graph, or a rehearsal) and is replayed now.</summary>
    public bool Captured => _mode != StepGraphs.Off && _regions.Values.Any(r => r.IsTrainingStep && r.Replayable);

    /// <summary>Why the step runs eagerly although graphs were asked for; null otherwise.</summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// Runs one training step: copies <paramref name="inputs"/> (any device; the same shapes every step) into the
    /// static tensors on the device and runs <paramref name="body"/> on them, or replays its graph. Returns what the
    /// body returned (queued, not waited for), owned by this object and valid until the next step of the same
    /// <paramref name="variant"/>. A variant is a step of another shape or code path (a different integrator during a
    /// warm-up phase): its own graph, captured at its first run after the warm-up.
    /// </summary>
    public Tensor Step(IReadOnlyList<Tensor> inputs, Func<IReadOnlyList<Tensor>, Tensor> body, string? variant = null)
    {
        var name = variant is null ? TrainingStep : $"{TrainingStep} ({variant})";
        var output = Run(name, isTrainingStep: true, inputs, body)!;
        _steps++;
        return output;
    }

    /// <summary>
    /// Runs a further region after a step (nGPT's projection onto the sphere): eagerly during the warm-up and after
    /// a failure, otherwise from its own graph, captured at its first run after the warm-up.
    /// </summary>
    public void Region(string what, Action body) => Run(what, isTrainingStep: false, [], _ =>
    {
        body();
        return null;
    });

    private Tensor? Run(string name, bool isTrainingStep, IReadOnlyList<Tensor> inputs, Func<IReadOnlyList<Tensor>, Tensor?> body)
    {
        if (!_regions.TryGetValue(name, out var region))
            _regions[name] = region = new CapturedRegion(name, isTrainingStep, inputs, _device);
        region.Load(inputs);
        if (_mode == StepGraphs.Off) return region.SetOutput(Eager(region, body));
        if (region.Replayable)
        {
            Replay(region, body);
            return region.Output;
        }
        if (_steps < WarmupSteps || region.Runs == 0)
        {
            region.Runs++;
            using (_mode == StepGraphs.Cuda ? Cuda.SideStream(_device.Index) : null) return region.SetOutput(Eager(region, body));
        }
        if (TryCapture(region, body)) return region.Output;
        return region.SetOutput(Eager(region, body));   // given up: this step, and the rest, eagerly
    }

    private Tensor? Eager(CapturedRegion region, Func<IReadOnlyList<Tensor>, Tensor?> body)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        if (region.IsTrainingStep) _optimizer?.ZeroGrad();
        return body(region.Inputs)?.DetachFromDisposeScope();
    }

    private void Replay(CapturedRegion region, Func<IReadOnlyList<Tensor>, Tensor?> body)
    {
        if (region.Graph is { } graph)
        {
            graph.Replay();
            return;
        }
        using (HostReads.Forbid($"replaying {region.Name} (rehearsal)"))
        {
            using var fresh = Eager(region, body);
            if (fresh is not null) region.Output!.CopyFrom(fresh);
        }
    }

    private bool TryCapture(CapturedRegion region, Func<IReadOnlyList<Tensor>, Tensor?> body)
    {
        Exception? failure;
        if (_mode == StepGraphs.Cuda)
        {
            // Nothing may free CUDA memory from another thread while a capture is open: collect the garbage first.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Cuda.Synchronize(_device.Index);
            if (region.IsTrainingStep) _optimizer?.ZeroGrad();
            var graph = new CudaGraph();
            Tensor? output = null;
            failure = Recorded(() =>
            {
                graph.BeginCapture(_device.Index);
                Exception? inside = null, ended = null;
                try
                {
                    inside = Recorded(() => output = CapturedBody(region, body));
                }
                finally
                {
                    ended = Recorded(graph.EndCapture);   // also when the body has a bug: never leave a capture open
                }
                return inside ?? ended;
            });
            if (failure is null)
            {
                region.Graph = graph;
                region.SetOutput(output);
                graph.Replay();   // capture records without running: this step runs now
                _log?.Invoke($"{region.Name} captured in a CUDA graph after {WarmupSteps} eager warm-up steps");
                return true;
            }
            output?.Dispose();
            graph.Dispose();
            GiveUp($"capturing {region.Name} in a CUDA graph failed: {failure.Message}");
            return false;
        }

        using var before = Snapshot.Take(_optimizer);
        Tensor? rehearsed = null;
        using (HostReads.Forbid($"capturing {region.Name} (rehearsal)"))
            failure = Recorded(() =>
            {
                if (region.IsTrainingStep) _optimizer?.ZeroGrad();
                rehearsed = CapturedBody(region, body);
                return null;
            });
        if (failure is null)
        {
            region.Rehearsed = true;
            region.SetOutput(rehearsed);
            _log?.Invoke($"{region.Name} captured (rehearsal on {_device}) after {WarmupSteps} eager warm-up steps");
            return true;
        }
        rehearsed?.Dispose();
        before.Restore();   // a real capture runs nothing; the rehearsal ran the step up to the failure
        GiveUp($"capturing {region.Name} failed (rehearsal on {_device}): {failure.Message}");
        return false;
    }

    private static Tensor? CapturedBody(CapturedRegion region, Func<IReadOnlyList<Tensor>, Tensor?> body)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        return body(region.Inputs)?.DetachFromDisposeScope();
    }

    /// <summary>The libtorch error <paramref name="action"/> raised (or returned), or null; any other exception is a bug and goes on.</summary>
    private static Exception? Recorded(Func<Exception?> action)
    {
        try
        {
            return action();
        }
        catch (TorchException e)
        {
            return e;
        }
    }

    private static Exception? Recorded(Action action) => Recorded(() =>
    {
        action();
        return null;
    });

    private void GiveUp(string reason)
    {
        Failure ??= reason;
        _mode = StepGraphs.Off;
        foreach (var region in _regions.Values) region.DropGraph();
        _optimizer?.ZeroGrad();   // gradients that live in a graph's pool go with it
        _log?.Invoke($"{reason}; training eagerly");
    }

    public void Dispose()
    {
        foreach (var region in _regions.Values) region.Dispose();
        _regions.Clear();
    }

    /// <summary>One captured (or capturable) region: its static inputs on the device, its static output, its graph.</summary>
    private sealed class CapturedRegion(string name, bool isTrainingStep, IReadOnlyList<Tensor> like, Device device) : IDisposable
    {
        public string Name { get; } = name;
        public bool IsTrainingStep { get; } = isTrainingStep;
        public Tensor[] Inputs { get; } = like.Select(t =>
            Dashboard.Torch.Torch.Zeros(t.Shape, t.Dtype, device).DetachFromDisposeScope()).ToArray();
        public Tensor? Output { get; private set; }
        public CudaGraph? Graph { get; set; }
        public bool Rehearsed { get; set; }
        public int Runs { get; set; }
        public bool Replayable => Graph is not null || Rehearsed;

        public void Load(IReadOnlyList<Tensor> inputs)
        {
            if (inputs.Count != Inputs.Length)
                throw new ArgumentException($"{Name} takes {Inputs.Length} inputs, got {inputs.Count}", nameof(inputs));
            for (var i = 0; i < Inputs.Length; i++)
            {
                if (!inputs[i].Shape.SequenceEqual(Inputs[i].Shape))
                    throw new ArgumentException($"{Name}'s input {i} has shape [{string.Join(", ", inputs[i].Shape)}], " +
                                                $"its static tensor [{string.Join(", ", Inputs[i].Shape)}]: a step's shapes never change", nameof(inputs));
                Inputs[i].CopyFrom(inputs[i]);
            }
        }

        public Tensor? SetOutput(Tensor? output)
        {
            if (!ReferenceEquals(Output, output)) Output?.Dispose();
            Output = output;
            return output;
        }

        public void DropGraph()
        {
            Graph?.Dispose();
            Graph = null;
            Rehearsed = false;
        }

        public void Dispose()
        {
            DropGraph();
            SetOutput(null);
            foreach (var t in Inputs) t.Dispose();
        }
    }

    /// <summary>Parameters, optimizer state and the generator before a rehearsed capture, to undo what it ran.</summary>
    private sealed class Snapshot : IDisposable
    {
        private readonly Optimizer? _optimizer;
        private readonly List<(Tensor Parameter, Tensor Copy)> _parameters = [];
        private readonly Dictionary<string, Tensor> _state = [];
        private readonly Dictionary<string, string> _values = [];
        private readonly Tensor _rng;

        private Snapshot(Optimizer? optimizer)
        {
            _optimizer = optimizer;
            using var noGrad = Dashboard.Torch.Torch.NoGrad();
            if (optimizer is not null)
            {
                foreach (var p in optimizer.Groups.SelectMany(g => g.Parameters))
                    _parameters.Add((p, p.Detach().Clone().DetachFromDisposeScope()));
                foreach (var (key, t) in optimizer.StateTensors()) _state[key] = t.Clone().DetachFromDisposeScope();
                foreach (var (key, v) in optimizer.StateValues()) _values[key] = v;
            }
            _rng = Dashboard.Torch.Torch.GetRngState().DetachFromDisposeScope();
        }

        public static Snapshot Take(Optimizer? optimizer) => new(optimizer);

        public void Restore()
        {
            using (Dashboard.Torch.Torch.NoGrad())
                foreach (var (p, copy) in _parameters) p.CopyFrom(copy);
            _optimizer?.LoadState(_state, _values);
            _optimizer?.ZeroGrad();
            Dashboard.Torch.Torch.SetRngState(_rng);
        }

        public void Dispose()
        {
            foreach (var (_, copy) in _parameters) copy.Dispose();
            foreach (var t in _state.Values) t.Dispose();
            _rng.Dispose();
        }
    }
}
