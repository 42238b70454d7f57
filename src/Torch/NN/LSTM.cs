namespace Dashboard.Torch.NN;

/// <summary>
/// A multi-layer LSTM over whole sequences (one aten::lstm call).
/// Input (T, B, in) or, with batchFirst, (B, T, in); output (…, hidden); state (layers, B, hidden) each.
/// On CUDA the weights live in cuDNN's one flat buffer (<see cref="FlattenParameters"/>, done by <see cref="Module.To(Device, ScalarType?)"/>).
/// </summary>
public sealed class LSTM : Module
{
    private readonly Tensor[] _weights;

    public LSTM(long inputSize, long hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0.0)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        HasBias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        _weights = RecurrentWeights.Register((n, t) => RegisterParameter(n, t), inputSize, hiddenSize, numLayers, 4, bias);
    }

    public long InputSize { get; }
    public long HiddenSize { get; }
    public int NumLayers { get; }
    public bool HasBias { get; }
    public bool BatchFirst { get; }
    public double Dropout { get; }

    private static volatile bool s_flatteningRefused;

    /// <summary>
    /// Stops <see cref="FlattenParameters"/> in this process (LSTMs moved from now on keep separate weights, which cuDNN
    /// compacts on every call, as before flattening existed): for a GPU where the flat weights failed their check (the
    /// families benchmark's GPU checks), so that the runs timed there compute what the check compared against.
    /// </summary>
    public static void RefuseFlattening() => s_flatteningRefused = true;

    /// <summary>Whether the weights are views of one buffer (as <see cref="FlattenParameters"/> leaves them on CUDA).</summary>
    public bool WeightsAreFlat => RecurrentWeights.ShareOneBuffer(_weights);

    /// <summary>
    /// PyTorch's <c>nn.LSTM.flatten_parameters()</c>: on CUDA with cuDNN, puts the weights into cuDNN's one flat buffer,
    /// each parameter becoming a view of it (the same tensor objects, so optimizer state and checkpoints stay valid;
    /// copies into them, as checkpoint loading does, keep them there). Without it cuDNN copies the weights into a fresh
    /// buffer on every forward, held until the backward: at the 1.2B-parameter HHmL scale, 4.35 GB allocated, zeroed and
    /// written each training cycle. A no-op on the CPU, for dtypes cuDNN does not take (bf16), inside a CUDA graph capture, and when
    /// the weights are flat already. <see cref="Module.To(Device, ScalarType?)"/> calls it, as PyTorch's <c>_apply</c> does.
    /// Returns whether the weights are in one buffer now.
    /// </summary>
    public bool FlattenParameters() =>
        s_flatteningRefused
            ? WeightsAreFlat
            : RecurrentWeights.Flatten(_weights, RecurrentWeights.CudnnLstm, InputSize, HiddenSize, NumLayers, HasBias, BatchFirst);

    protected override void OnParametersMoved() => FlattenParameters();

    /// <summary>Runs the sequence; a null state starts from zeros.</summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        using var scope = Torch.NewDisposeScope();
        var (h0, c0) = state ?? (ZeroState(input), ZeroState(input));
        var (output, h, c) = Functional.Lstm(input, h0, c0, _weights, HasBias, NumLayers, Dropout, IsTraining, BatchFirst);
        return (output.MoveToOuterScope(), (h.MoveToOuterScope(), c.MoveToOuterScope()));
    }

    private Tensor ZeroState(Tensor input) =>
        Torch.Zeros([NumLayers, input.Size(BatchFirst ? 0 : 1), HiddenSize], input.Dtype, input.Device);
}

/// <summary>One LSTM step: input (B, in), state (B, hidden) → new (h, c).</summary>
public sealed class LSTMCell : Module
{
    private readonly Tensor[] _w;

    public LSTMCell(long inputSize, long hiddenSize, bool bias = true)
    {
        HiddenSize = hiddenSize;
        _w = RecurrentWeights.Register((n, t) => RegisterParameter(n, t), inputSize, hiddenSize, 1, 4, bias, suffix: "");
    }

    public long HiddenSize { get; }

    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        using var scope = Torch.NewDisposeScope();
        var (h, c) = state ?? (Zeros(input), Zeros(input));
        var (h1, c1) = Functional.LstmCell(input, h, c, _w[0], _w[1], _w.Length > 2 ? _w[2] : null, _w.Length > 2 ? _w[3] : null);
        return (h1.MoveToOuterScope(), c1.MoveToOuterScope());
    }

    private Tensor Zeros(Tensor input) => Torch.Zeros([input.Size(0), HiddenSize], input.Dtype, input.Device);
}
