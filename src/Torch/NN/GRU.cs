namespace Dashboard.Torch.NN;

/// <summary>
/// A multi-layer GRU over whole sequences (one aten::gru call).
/// Input (T, B, in) or, with batchFirst, (B, T, in); output (…, hidden); state (layers, B, hidden).
/// </summary>
public sealed class GRU : Module
{
    private readonly Tensor[] _weights;

    public GRU(long inputSize, long hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0.0)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        HasBias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        _weights = RecurrentWeights.Register((n, t) => RegisterParameter(n, t), inputSize, hiddenSize, numLayers, 3, bias);
    }

    public long InputSize { get; }
    public long HiddenSize { get; }
    public int NumLayers { get; }
    public bool HasBias { get; }
    public bool BatchFirst { get; }
    public double Dropout { get; }

    /// <summary>Runs the sequence; a null state starts from zeros.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null)
    {
        using var scope = Torch.NewDisposeScope();
        var start = h0 ?? Torch.Zeros([NumLayers, input.Size(BatchFirst ? 0 : 1), HiddenSize], input.Dtype, input.Device);
        var (output, h) = Functional.Gru(input, start, _weights, HasBias, NumLayers, Dropout, IsTraining, BatchFirst);
        return (output.MoveToOuterScope(), h.MoveToOuterScope());
    }
}

/// <summary>One GRU step: input (B, in), h (B, hidden) → new h.</summary>
public sealed class GRUCell : Module
{
    private readonly Tensor[] _w;

    public GRUCell(long inputSize, long hiddenSize, bool bias = true)
    {
        HiddenSize = hiddenSize;
        _w = RecurrentWeights.Register((n, t) => RegisterParameter(n, t), inputSize, hiddenSize, 1, 3, bias, suffix: "");
    }

    public long HiddenSize { get; }

    public Tensor Forward(Tensor input, Tensor? h = null)
    {
        using var scope = Torch.NewDisposeScope();
        var state = h ?? Torch.Zeros([input.Size(0), HiddenSize], input.Dtype, input.Device);
        return Functional.GruCell(input, state, _w[0], _w[1], _w.Length > 2 ? _w[2] : null, _w.Length > 2 ? _w[3] : null).MoveToOuterScope();
    }
}
