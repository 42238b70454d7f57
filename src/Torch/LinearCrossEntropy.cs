namespace Dashboard.Torch;

/// <summary>
/// Mean cross entropy of the logits hidden · weightᵀ against targets, computed <c>chunkRows</c> rows at a time so the
/// (N, V) logits are never all in memory: for a language model's head (N = 2,048 tokens, V = 50,257) the unfused path
/// writes and re-reads ~400 MB of fp32 logits several times a step, while a 128-row chunk (~25 MB) stays in a Hopper
/// GPU's L2. The gradients are computed alongside, per chunk: ∂L/∂logits = (softmax − onehot) / N, then
/// ∂L/∂hidden = ∂L/∂logits · weight and ∂L/∂weight = Σ_chunks ∂L/∂logitsᵀ · hidden. Same arithmetic as
/// <c>cross_entropy(linear(hidden, weight), targets)</c> under the same autocast: logits in the matmul's dtype, softmax
/// in float32.
/// </summary>
public static class LinearCrossEntropy
{
    /// <summary>
    /// The loss (a float32 scalar with no autograd history) and a surrogate scalar whose <c>Backward()</c> delivers exactly
    /// the cross entropy's gradients to whatever computed <paramref name="hidden"/> (N, C) and <paramref name="weight"/>
    /// (V, C): the surrogate is Σ hidden ⊙ ∂L/∂hidden + Σ weight ⊙ ∂L/∂weight with the gradients held constant.
    /// </summary>
    public static (Tensor Loss, Tensor Surrogate) Compute(Tensor hidden, Tensor weight, Tensor targets, long chunkRows = 128)
    {
        if (chunkRows < 1) throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "must be at least 1.");
        using var scope = Torch.NewDisposeScope();
        long n = hidden.Size(0);
        Tensor total, gradHidden, gradWeight;
        using (Torch.NoGrad())
        {
            var h = hidden.Detach();
            var w = weight.Detach();
            gradHidden = Torch.ZerosLike(h);
            // Softmax and accumulation in float32 (float64 for float64 weights); the matmuls in whatever the caller's
            // autocast gives them, as the unfused path's.
            var exact = w.Dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
            gradWeight = Torch.Zeros(w.Shape, exact, w.Device);
            total = Torch.Zeros([], exact, h.Device);
            for (long start = 0; start < n; start += chunkRows)
            {
                using var chunk = Torch.NewDisposeScope();
                var rows = Math.Min(chunkRows, n - start);
                var hc = h.Narrow(0, start, rows);                                    // (r, C)
                var tc = targets.Narrow(0, start, rows).Unsqueeze(1);                 // (r, 1)
                var logits = Functional.Linear(hc, w).To(exact);                      // (r, V)
                var lse = logits.LogSumExp(-1, keepDim: true);                        // (r, 1)
                total.Add_((lse - logits.Gather(1, tc)).Sum());
                var probabilities = (logits - lse).Exp();                             // softmax: (r, V)
                var grad = probabilities.ScatterAdd(1, tc, Torch.Full([rows, 1], -1.0, exact, h.Device))
                    .Mul_(1.0 / n);                                                   // ∂L/∂logits: (r, V)
                gradHidden.Narrow(0, start, rows).CopyFrom(grad.MatMul(w));           // (r, C)
                gradWeight.Add_(grad.MT.MatMul(hc).To(exact));                         // (V, C)
            }
            total.Div_(n);
        }
        var surrogate = (hidden * gradHidden.To(hidden.Dtype)).Sum() + (weight * gradWeight.To(weight.Dtype)).Sum();
        return (total.To(ScalarType.Float32).MoveToOuterScope(), surrogate.MoveToOuterScope());
    }
}
