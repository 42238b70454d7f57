using System.Globalization;

namespace Dashboard.Torch.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), op for op as PyTorch's
/// single-tensor AdamW so results match it: decay, moment updates, bias-corrected step.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly Dictionary<int, State> _state = [];

    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2)
        : this([new ParamGroup(parameters, learningRate, weightDecay)], beta1, beta2, eps) { }

    public AdamW(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(groups)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    private sealed class State(Tensor expAvg, Tensor expAvgSq)
    {
        public Tensor ExpAvg { get; } = expAvg;
        public Tensor ExpAvgSq { get; } = expAvgSq;
        public long Step { get; set; }
    }

    public override void Step()
    {
        using var noGrad = Torch.NoGrad();
        foreach (var (i, p, group) in Indexed())
        {
            using var scope = Torch.NewDisposeScope();
            var grad = p.Grad;
            if (grad is null) continue;
            if (!_state.TryGetValue(i, out var s))
                _state[i] = s = new State(Own(Torch.ZerosLike(p)), Own(Torch.ZerosLike(p)));
            s.Step++;
            double lr = group.LearningRate, wd = group.WeightDecay;

            p.Mul_(1 - lr * wd);
            s.ExpAvg.Mul_(Beta1).Add_(grad, alpha: 1 - Beta1);
            s.ExpAvgSq.Mul_(Beta2).Addcmul_(grad, grad, value: 1 - Beta2);

            var biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
            var biasCorrection2 = 1 - Math.Pow(Beta2, s.Step);
            var stepSize = lr / biasCorrection1;
            var denom = (s.ExpAvgSq.Sqrt() / Math.Sqrt(biasCorrection2)).Add_(Eps);
            p.Addcdiv_(s.ExpAvg, denom, value: -stepSize);
        }
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (i, s) in _state)
        {
            tensors[$"{i}.exp_avg"] = s.ExpAvg;
            tensors[$"{i}.exp_avg_sq"] = s.ExpAvgSq;
        }
        return tensors;
    }

    public override IReadOnlyDictionary<string, string> StateValues()
    {
        var values = new Dictionary<string, string>(base.StateValues())
        {
            ["type"] = "AdamW",
            ["beta1"] = Format(Beta1),
            ["beta2"] = Format(Beta2),
            ["eps"] = Format(Eps),
        };
        foreach (var (i, s) in _state) values[$"{i}.step"] = s.Step.ToString(CultureInfo.InvariantCulture);
        return values;
    }

    public override void LoadState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> values)
    {
        base.LoadState(tensors, values);
        using var noGrad = Torch.NoGrad();
        foreach (var (i, p, _) in Indexed())
        {
            if (!values.TryGetValue($"{i}.step", out var step)) continue;
            if (!_state.TryGetValue(i, out var s))
                _state[i] = s = new State(Own(Torch.ZerosLike(p)), Own(Torch.ZerosLike(p)));
            s.ExpAvg.CopyFrom(tensors[$"{i}.exp_avg"]);
            s.ExpAvgSq.CopyFrom(tensors[$"{i}.exp_avg_sq"]);
            s.Step = long.Parse(step, CultureInfo.InvariantCulture);
        }
    }

    public override void Dispose()
    {
        foreach (var s in _state.Values)
        {
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
        }
        _state.Clear();
    }
}
