namespace Dashboard.Torch.NN;

/// <summary>Applies its modules in order; intermediate outputs are disposed as soon as they are consumed.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        for (var i = 0; i < layers.Length; i++)
            _layers.Add(RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]));
    }

    public IReadOnlyList<Module<Tensor, Tensor>> Layers => _layers;

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers)
        {
            var next = layer.Forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? input.NewReference() : x;
    }
}

/// <summary>An activation as a module, for <see cref="Sequential"/>.</summary>
public sealed class Activation(Func<Tensor, Tensor> function, string name = "activation") : Module<Tensor, Tensor>
{
    public static Activation Relu() => new(x => x.Relu(), "relu");
    public static Activation Tanh() => new(x => x.Tanh(), "tanh");
    public static Activation Sigmoid() => new(x => x.Sigmoid(), "sigmoid");
    public static Activation Gelu() => new(x => x.Gelu(), "gelu");
    public static Activation Silu() => new(x => x.Silu(), "silu");

    public string Name { get; } = name;

    public override Tensor Forward(Tensor input) => function(input);
}

/// <summary>Dropout as a module: active in training mode only.</summary>
public sealed class Dropout(double p) : Module<Tensor, Tensor>
{
    public double P { get; } = p;

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, IsTraining);
}
