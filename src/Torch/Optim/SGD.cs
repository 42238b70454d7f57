namespace Dashboard.Torch.Optim;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay (as PyTorch's SGD).</summary>
public sealed class SGD : Optimizer
{
    private readonly Dictionary<int, Tensor> _momentum = [];

    public SGD(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0.0, double dampening = 0.0,
        double weightDecay = 0.0, bool nesterov = false)
        : this([new ParamGroup(parameters, learningRate, weightDecay)], momentum, dampening, nesterov) { }

    public SGD(IEnumerable<ParamGroup> groups, double momentum = 0.0, double dampening = 0.0, bool nesterov = false)
        : base(groups)
    {
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }

    public override void Step()
    {
        using var noGrad = Torch.NoGrad();
        foreach (var (i, p, group) in Indexed())
        {
            using var scope = Torch.NewDisposeScope();
            var d = p.Grad;
            if (d is null) continue;
            if (group.WeightDecay != 0) d = d.Add(p, group.WeightDecay);
            if (Momentum != 0)
            {
                if (!_momentum.TryGetValue(i, out var buffer))
                    _momentum[i] = buffer = Own(d.Clone().Detach());
                else
                    buffer.Mul_(Momentum).Add_(d, alpha: 1 - Dampening);
                d = Nesterov ? d.Add(buffer, Momentum) : buffer;
            }
            p.Add_(d, alpha: -group.LearningRate);
        }
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors() =>
        _momentum.ToDictionary(kv => $"{kv.Key}.momentum_buffer", kv => kv.Value);

    public override IReadOnlyDictionary<string, string> StateValues() =>
        new Dictionary<string, string>(base.StateValues()) { ["type"] = "SGD", ["momentum"] = Format(Momentum) };

    public override void LoadState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> values)
    {
        base.LoadState(tensors, values);
        foreach (var (i, p, _) in Indexed())
        {
            if (!tensors.TryGetValue($"{i}.momentum_buffer", out var source)) continue;
            if (_momentum.Remove(i, out var old)) old.Dispose();
            _momentum[i] = Own(source.Clone().Detach());
        }
    }

    public override void Dispose()
    {
        foreach (var b in _momentum.Values) b.Dispose();
        _momentum.Clear();
    }
}
