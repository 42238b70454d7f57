namespace Dashboard.Torch.NN;

/// <summary>
/// The per-layer weights of an LSTM or GRU, named and ordered as PyTorch's (weight_ih_l0,
/// weight_hh_l0, bias_ih_l0, bias_hh_l0, …), which is also the order aten::lstm / aten::gru take.
/// Gates stack along dim 0: gates × hidden rows. Initialised U(±1/√hidden). Cells (suffix "") name them weight_ih, weight_hh, bias_ih, bias_hh.
/// </summary>
internal static class RecurrentWeights
{
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
