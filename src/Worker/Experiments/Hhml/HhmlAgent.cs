using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// The seed's <c>MultiStripRNNAgent</c>: an LSTM (4 layers, hidden H, input S·128) run on a sequence of length 1 from a
/// zero state every cycle; per strip a Linear(H → n) + tanh amplitude head; a control head Linear(H, 512)–ReLU–
/// Linear(512, 256)–ReLU–Linear(256, 23); a value head Linear(H, 1). Parameter names follow PyTorch's state_dict.
/// </summary>
public sealed class HhmlAgent : Module
{
    private readonly LSTM _lstm;
    private readonly HeadList _amplitudeHeads;
    private readonly Sequential _controlHead;
    private readonly Linear _valueHead;

    public HhmlAgent(HhmlScale scale)
    {
        Scale = scale;
        _lstm = RegisterModule("lstm", new LSTM(scale.StateSize, scale.Hidden, scale.Layers, batchFirst: true));
        _amplitudeHeads = RegisterModule("amplitude_heads",
            new HeadList(Enumerable.Range(0, scale.Strips).Select(_ => new Linear(scale.Hidden, scale.NodesPerStrip))));
        _controlHead = RegisterModule("control_head", new Sequential(
            new Linear(scale.Hidden, HhmlScale.ControlWidths[0]), Activation.Relu(),
            new Linear(HhmlScale.ControlWidths[0], HhmlScale.ControlWidths[1]), Activation.Relu(),
            new Linear(HhmlScale.ControlWidths[1], HhmlScale.ControlOutputs)));
        _valueHead = RegisterModule("value_head", new Linear(scale.Hidden, 1));

        // The arithmetic that sizes runs before they allocate must describe this very model.
        var built = NamedParameters().Select(p => (p.Name, p.Parameter.Shape)).ToList();
        var declared = ParameterShapes(scale);
        if (built.Count != declared.Count || built.Zip(declared).Any(z => z.First.Name != z.Second.Name || !z.First.Shape.SequenceEqual(z.Second.Shape)))
            throw new InvalidOperationException("HhmlAgent's parameters differ from HhmlAgent.ParameterShapes");
    }

    public HhmlScale Scale { get; }

    /// <summary>Every parameter's name and shape for a scale, in registration order, without allocating anything.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(HhmlScale scale)
    {
        long h = scale.Hidden, gates = 4 * h;
        var shapes = new List<(string, long[])>();
        for (var layer = 0; layer < scale.Layers; layer++)
        {
            var input = layer == 0 ? scale.StateSize : h;
            shapes.Add(($"lstm.weight_ih_l{layer}", [gates, input]));
            shapes.Add(($"lstm.weight_hh_l{layer}", [gates, h]));
            shapes.Add(($"lstm.bias_ih_l{layer}", [gates]));
            shapes.Add(($"lstm.bias_hh_l{layer}", [gates]));
        }
        for (var s = 0; s < scale.Strips; s++)
        {
            shapes.Add(($"amplitude_heads.{s}.weight", [scale.NodesPerStrip, h]));
            shapes.Add(($"amplitude_heads.{s}.bias", [scale.NodesPerStrip]));
        }
        long[] widths = [h, HhmlScale.ControlWidths[0], HhmlScale.ControlWidths[1], HhmlScale.ControlOutputs];
        for (var i = 0; i < 3; i++)
        {
            shapes.Add(($"control_head.{2 * i}.weight", [widths[i + 1], widths[i]]));
            shapes.Add(($"control_head.{2 * i}.bias", [widths[i + 1]]));
        }
        shapes.Add(("value_head.weight", [1, h]));
        shapes.Add(("value_head.bias", [1]));
        return shapes;
    }

    public static long CountParameters(HhmlScale scale) =>
        ParameterShapes(scale).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>
    /// Whether the LSTM's weights are in cuDNN's one flat buffer (Module.To puts them there on CUDA): otherwise cuDNN
    /// copies them (4.35 GB at h200-scaled) into a fresh buffer on every forward, held until the backward.
    /// </summary>
    public bool LstmWeightsAreFlat => _lstm.WeightsAreFlat;

    /// <summary>The LSTM and the value head: the only parameters the loss −value·R reaches.</summary>
    public IEnumerable<Tensor> TrainedParameters() => _lstm.Parameters().Concat(_valueHead.Parameters());

    /// <summary>
    /// One cycle's forward pass on state (1, S·128): the value (0-d, with gradient), the strip heads' actions (S, n) and
    /// the control head's 23 raw outputs, the latter two computed without gradient (the seed read them as numbers).
    /// </summary>
    public (Tensor Value, Tensor Actions, double[] Control) Forward(Tensor state)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var (output, _) = _lstm.Forward(state.Unsqueeze(1));           // (1, 1, H), zero initial state
        var features = output.Select(1, 0);                             // (1, H)
        var value = _valueHead.Forward(features).Reshape();             // ()
        Tensor actions;
        double[] control;
        using (Torch.Torch.NoGrad())
        {
            var detached = features.Detach();
            actions = Torch.Torch.Cat(_amplitudeHeads.Heads.Select(head => head.Forward(detached).Tanh()).ToArray(), dim: 0);   // (S, n)
            control = _controlHead.Forward(detached).Reshape(-1).ToArray<double>();                                            // 23
        }
        return (value.MoveToOuterScope(), actions.MoveToOuterScope(), control);
    }

    /// <summary>PyTorch's ModuleList: children named 0, 1, ….</summary>
    private sealed class HeadList : Module
    {
        public HeadList(IEnumerable<Linear> heads)
        {
            var i = 0;
            foreach (var head in heads) Heads.Add(RegisterModule((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), head));
        }

        public List<Linear> Heads { get; } = [];
    }
}
