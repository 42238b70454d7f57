using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// One scalar potential of the learned Hamiltonian (SympRSSM's V or Φ): in → h → h → 1 with softplus
/// activations, each weight N(0, 2/fan_in), biases 0, optionally spectrally normalised (W / σ_max(W), the top
/// singular value recomputed at every use, as the source does with a full SVD: here the SVD runs before the step and
/// the step computes σ from its top singular pair, see <see cref="TopSingularValue"/>).
/// </summary>
public sealed class SoftplusMlp : Module
{
    private readonly Tensor _w1, _b1, _w2, _b2, _w3, _b3;

    public SoftplusMlp(long inputs, long hidden)
    {
        _w1 = RegisterParameter("w1", Init.Normal([hidden, inputs], Math.Sqrt(2.0 / inputs)));
        _b1 = RegisterParameter("b1", Dashboard.Torch.Torch.Zeros([hidden]));
        _w2 = RegisterParameter("w2", Init.Normal([hidden, hidden], Math.Sqrt(2.0 / hidden)));
        _b2 = RegisterParameter("b2", Dashboard.Torch.Torch.Zeros([hidden]));
        _w3 = RegisterParameter("w3", Init.Normal([1, hidden], Math.Sqrt(2.0 / hidden)));
        _b3 = RegisterParameter("b3", Dashboard.Torch.Torch.Zeros([1]));
    }

    /// <summary>How many tensors <see cref="TopSingularVectors"/> returns: (u, v) of W₁, W₂ and w₃.</summary>
    public const int SingularVectorCount = 6;

    /// <summary>
    /// The top singular pair of each weight the spectral norm divides, from a full SVD of its present value, detached:
    /// [u₁, v₁, u₂, v₂, u₃, v₃] (u left, v right). The SVD reads its error info on the host, so these are computed
    /// eagerly before a step, never inside a captured one; they enter the step as its inputs.
    /// </summary>
    public Tensor[] TopSingularVectors()
    {
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        return [.. TopPair(_w1), .. TopPair(_w2), .. TopPair(_w3)];
    }

    private static Tensor[] TopPair(Tensor w)
    {
        if (w.Size(0) == 1)
        {
            // One row (w₃): its SVD in closed form, u = 1, σ = ‖w‖, v = w / ‖w‖; no solver, no wait for the device.
            using var row = w.Select(0, 0);
            using var norm = row.Norm().ClampMin(1e-300);
            return [Dashboard.Torch.Torch.Ones([1], w.Dtype, w.Device), row / norm];
        }
        var (u, _, vh) = Linalg.Svd(w);
        return [u.Select(1, 0), vh.Select(0, 0)];
    }

    /// <summary>
    /// σ = uᵀWv for the top singular pair (u, v) of W, the pair held constant. It is σ_max(W) up to rounding, and
    /// autograd gives ∂σ/∂W = u vᵀ, exactly the gradient of σ_max (what autograd through the SVD gives, for a simple
    /// top singular value): the spectral norm of the source's full SVD, with no SVD inside the step. Written as
    /// two 2-D matrix products ((1, m)·W, then ·(n, 1)), the kind of kernel the rest of the step's products use.
    /// </summary>
    public static Tensor TopSingularValue(Tensor w, Tensor u, Tensor v) => u.Unsqueeze(0).MatMul(w).MatMul(v.Unsqueeze(1)).Reshape();

    /// <summary>
    /// The weights one training step uses (normalised once, shared by every force evaluation of the rollout);
    /// <paramref name="inputs"/> keeps the first columns of W₁: the actions are zero, so their columns add nothing.
    /// With <paramref name="singularVectors"/> (from <see cref="TopSingularVectors"/> of the present weights) each
    /// spectrally normalised weight is divided by <see cref="TopSingularValue"/>; every caller of the models passes
    /// them, so training, evaluation and inference compute one thing. Null divides by linalg's matrix 2-norm directly
    /// (autograd through the SVD): the definition, equal up to rounding, which the tests hold the pairs against; an
    /// SVD inside the step, so not capturable.
    /// </summary>
    public Evaluation Prepare(bool spectralNorm, long inputs, IReadOnlyList<Tensor>? singularVectors)
    {
        if (spectralNorm && singularVectors is { Count: not SingularVectorCount })
            throw new ArgumentException($"{SingularVectorCount} singular vectors expected, got {singularVectors.Count}", nameof(singularVectors));
        Tensor Norm(Tensor w, int layer)
        {
            if (!spectralNorm) return w;
            var sigma = singularVectors is null ? Linalg.MatrixNorm(w, 2)
                : TopSingularValue(w, singularVectors[2 * layer], singularVectors[2 * layer + 1]);
            return w / sigma.ClampMin(1e-12);
        }
        return new Evaluation(Norm(_w1, 0).Narrow(1, 0, inputs), _b1, Norm(_w2, 1), _b2, Norm(_w3, 2), _b3);
    }

    /// <summary>A prepared potential: its value and its gradient in closed form (so autograd differentiates forces once, not twice).</summary>
    public sealed record Evaluation(Tensor W1, Tensor B1, Tensor W2, Tensor B2, Tensor W3, Tensor B3)
    {
        /// <summary>(B, in) → (B).</summary>
        public Tensor Value(Tensor x)
        {
            var h1 = F.Linear(x, W1, B1).Softplus();
            var h2 = F.Linear(h1, W2, B2).Softplus();
            return F.Linear(h2, W3, B3).Squeeze(1);
        }

        /// <summary>∇ₓ out = W₁ᵀ(σ(z₁) ⊙ W₂ᵀ(σ(z₂) ⊙ w₃)) for each row: (B, in) → (B, in). σ = softplus' = logistic.</summary>
        public Tensor Gradient(Tensor x)
        {
            var z1 = F.Linear(x, W1, B1);
            var z2 = F.Linear(z1.Softplus(), W2, B2);
            var g2 = z2.Sigmoid() * W3;               // (B, h)
            var g1 = g2.MatMul(W2) * z1.Sigmoid();    // (B, h)
            return g1.MatMul(W1);                     // (B, in)
        }
    }
}
