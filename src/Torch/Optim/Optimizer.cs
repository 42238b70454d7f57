using System.Globalization;

namespace Dashboard.Torch.Optim;

/// <summary>
/// Updates parameters from their gradients. State tensors belong to the optimizer (never to a
/// dispose scope) and are freed by <see cref="Dispose"/>. State is keyed by the parameter's
/// position across all groups, as in PyTorch's state_dict.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(IEnumerable<ParamGroup> groups)
    {
        Groups = groups.ToList();
        if (Groups.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter group");
    }

    public IReadOnlyList<ParamGroup> Groups { get; }

    /// <summary>Every parameter with its group, in state-key order.</summary>
    protected IEnumerable<(int Index, Tensor Parameter, ParamGroup Group)> Indexed()
    {
        var i = 0;
        foreach (var g in Groups)
            foreach (var p in g.Parameters)
                yield return (i++, p, g);
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void Step();

    public void ZeroGrad()
    {
        foreach (var g in Groups)
            foreach (var p in g.Parameters) p.ClearGrad();
    }

    /// <summary>State tensors by key ("{index}.{name}"); the optimizer's own tensors (do not dispose).</summary>
    public abstract IReadOnlyDictionary<string, Tensor> StateTensors();

    /// <summary>Scalar state and hyperparameters as strings (invariant culture, round-trippable).</summary>
    public virtual IReadOnlyDictionary<string, string> StateValues()
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < Groups.Count; i++)
        {
            values[$"group.{i}.lr"] = Format(Groups[i].LearningRate);
            values[$"group.{i}.weight_decay"] = Format(Groups[i].WeightDecay);
        }
        return values;
    }

    /// <summary>Restores what <see cref="StateTensors"/> and <see cref="StateValues"/> produced (values are copied).</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> values)
    {
        for (var i = 0; i < Groups.Count; i++)
        {
            if (values.TryGetValue($"group.{i}.lr", out var lr)) Groups[i].LearningRate = Parse(lr);
            if (values.TryGetValue($"group.{i}.weight_decay", out var wd)) Groups[i].WeightDecay = Parse(wd);
        }
    }

    protected static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    protected static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>A state tensor owned by the optimizer: out of every dispose scope.</summary>
    protected static Tensor Own(Tensor t) => t.DetachFromDisposeScope();

    public abstract void Dispose();
}
