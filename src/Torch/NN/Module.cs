namespace Dashboard.Torch.NN;

/// <summary>
/// A network part with named parameters, buffers and sub-modules (PyTorch's nn.Module).
/// Parameters and buffers belong to the module, never to a dispose scope: disposing the module
/// frees them. Names are dotted paths ("blocks.0.attn.c_attn.weight") as in PyTorch's state_dict.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Value)> _parameters = [];
    private readonly List<(string Name, Tensor Value)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];
    private bool _disposed;

    public bool IsTraining { get; private set; } = true;

    protected Tensor RegisterParameter(string name, Tensor value, bool requiresGrad = true)
    {
        value.DetachFromDisposeScope();
        if (requiresGrad && !value.RequiresGrad) value.RequiresGrad = true;
        _parameters.Add((name, value));
        return value;
    }

    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        value.DetachFromDisposeScope();
        _buffers.Add((name, value));
        return value;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    /// <summary>Every parameter with its dotted name, each tensor once (tied weights appear under their first name).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in Walk(m => m._parameters))
            if (seen.Add(p)) yield return (name, p);
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Walk(m => m._buffers);

    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Number of parameter elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => p.NumEl);

    private IEnumerable<(string, Tensor)> Walk(Func<Module, List<(string, Tensor)>> pick, string prefix = "")
    {
        foreach (var (name, t) in pick(this)) yield return (prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var item in child.Walk(pick, prefix + name + "."))
                yield return item;
    }

    /// <summary>Parameters and buffers by name; the tensors are the module's own (do not dispose them).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = p;
        foreach (var (name, b) in NamedBuffers()) state[name] = b;
        return state;
    }

    /// <summary>Copies values into the parameters and buffers of the same names.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        using var noGrad = Torch.NoGrad();
        var own = StateDict();
        if (strict)
        {
            var missing = own.Keys.Except(state.Keys).ToList();
            var unexpected = state.Keys.Except(own.Keys).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException($"state mismatch; missing: [{string.Join(", ", missing)}], unexpected: [{string.Join(", ", unexpected)}]");
        }
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            if (!target.Shape.SequenceEqual(source.Shape))
                throw new ArgumentException($"{name}: shape [{string.Join(", ", source.Shape)}] does not match [{string.Join(", ", target.Shape)}]");
            target.CopyFrom(source);
        }
    }

    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Moves parameters and buffers to a device and (floating-point ones) to a dtype, in place.</summary>
    public Module To(Device device, ScalarType? dtype = null)
    {
        using var noGrad = Torch.NoGrad();
        foreach (var t in Parameters().Concat(NamedBuffers().Select(b => b.Buffer)))
        {
            var target = dtype is { } d && t.Dtype.IsFloatingPoint() ? d : t.Dtype;
            using var moved = t.To(device, target);
            t.SetData(moved);
        }
        foreach (var module in SelfAndDescendants()) module.OnParametersMoved();
        return this;
    }

    /// <summary>
    /// Called on this module and every sub-module after <see cref="To(Device, ScalarType?)"/> has moved the parameters
    /// (PyTorch's <c>_apply</c>): where a module lays its parameters out for the device (<see cref="LSTM.FlattenParameters"/>).
    /// </summary>
    protected virtual void OnParametersMoved()
    {
    }

    private IEnumerable<Module> SelfAndDescendants()
    {
        yield return this;
        foreach (var (_, child) in _children)
            foreach (var module in child.SelfAndDescendants())
                yield return module;
    }

    public Module To(ScalarType dtype) => To(Parameters().FirstOrDefault()?.Device ?? Device.Cpu, dtype);

    /// <summary>Drops every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ClearGrad();
    }

    public virtual void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, p) in _parameters) p.Dispose();
        foreach (var (_, b) in _buffers) b.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with one input and one output, composable in <see cref="Sequential"/>.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut Forward(TIn input);

    public TOut Call(TIn input) => Forward(input);
}
