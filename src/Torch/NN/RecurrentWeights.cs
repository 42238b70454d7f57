namespace Dashboard.Torch.NN;

/// <summary>
/// The per-layer weights of an LSTM or GRU, named and ordered as PyTorch's (weight_ih_l0,
/// weight_hh_l0, bias_ih_l0, bias_hh_l0, …), which is also the order aten::lstm / aten::gru take.
/// Gates stack along dim 0: gates × hidden rows. Initialised U(±1/√hidden). Cells (suffix "") name them weight_ih, weight_hh, bias_ih, bias_hh.
/// </summary>
internal static class RecurrentWeights
{
    /// <summary>cuDNN's RNN modes (cudnnRNNMode_t), as aten::_cudnn_rnn_flatten_weight takes them.</summary>
    internal const long CudnnLstm = 2;

    // Both are in every libtorch's schema registry (a CPU build has no kernel for the first; it is never called there).
    private static readonly Lazy<bool> s_canFlatten = new(() =>
        Op.Exists(Ops.CudnnRnnFlattenWeight.Name) && Op.Exists(Ops.CudnnIsAcceptable.Name));

    /// <summary>Whether every weight is a view of one buffer, as <see cref="Flatten"/> leaves them (metadata only).</summary>
    internal static bool ShareOneBuffer(Tensor[] weights)
    {
        if (weights.Length < 2) return false;
        var address = weights[0].Storage.Address;
        return address != 0 && weights.All(w => w.Storage.Address == address);
    }

    /// <summary>
    /// PyTorch's <c>RNNBase.flatten_parameters</c>: on CUDA with cuDNN, copies the weights into one buffer laid out as
    /// cuDNN's RNN wants it and re-points each weight tensor at its view of that buffer (ATen's set_ on the same tensor
    /// object, so the module, optimizer state and any other holder keep valid references). aten::lstm / aten::gru then
    /// find the weights already in place; otherwise cuDNN allocates a buffer of the weights' size, zeroes it and copies
    /// them into it on every call (with the warning "RNN module weights are not part of single contiguous chunk of
    /// memory"), and keeps it for the backward. Returns whether the weights now share one buffer. Does nothing
    /// (false) on the CPU, where libtorch has no cuDNN, for weights of mixed device or dtype, cuDNN refuses (bf16, cuDNN
    /// off or absent), or that alias one another; and nothing while host reads are forbidden (a CUDA graph capture: its
    /// allocation and copy would be recorded, not done). Weights already in one buffer are left as they are, so this
    /// may be called again at no cost.
    /// </summary>
    internal static bool Flatten(Tensor[] weights, long mode, long inputSize, long hidden, int layers, bool bias, bool batchFirst)
    {
        if (weights.Length == 0) return false;
        var first = weights[0];
        var device = first.Device;
        var dtype = first.Dtype;
        if (!device.IsCuda || weights.Any(w => w.Device != device || w.Dtype != dtype)) return false;
        if (ShareOneBuffer(weights)) return true;
        if (HostReads.Forbidden || !s_canFlatten.Value) return false;
        if (weights.Select(w => w.Storage.DataAddress).Distinct().Count() != weights.Length) return false;
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();   // set_ on leaves that require grad
        if (Ops.CudnnIsAcceptable.Call(first).ToInt64() == 0) return false;
        // The buffer it returns is released with the scope: the weights hold its storage from now on.
        Ops.CudnnRnnFlattenWeight.Call(weights, bias ? 4L : 2L, inputSize, mode, hidden, 0L, (long)layers, batchFirst, false);
        return ShareOneBuffer(weights);
    }

    internal static Tensor[] Register(Func<string, Tensor, Tensor> register, long inputSize, long hidden, int layers, int gates, bool bias, string? suffix = null)
    {
        var bound = 1.0 / Math.Sqrt(hidden);
        var all = new List<Tensor>();
        for (var layer = 0; layer < layers; layer++)
        {
            var tag = suffix ?? $"_l{layer}";
            var input = layer == 0 ? inputSize : hidden;
            all.Add(register($"weight_ih{tag}", Init.Uniform([gates * hidden, input], bound)));
            all.Add(register($"weight_hh{tag}", Init.Uniform([gates * hidden, hidden], bound)));
            if (bias)
            {
                all.Add(register($"bias_ih{tag}", Init.Uniform([gates * hidden], bound)));
                all.Add(register($"bias_hh{tag}", Init.Uniform([gates * hidden], bound)));
            }
        }
        return all.ToArray();
    }
}
