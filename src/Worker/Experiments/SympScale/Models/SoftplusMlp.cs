using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// One scalar potential of the learned Hamiltonian (SympRSSM's V or Φ): in → h → h → 1 with softplus
/// activations, each weight N(0, 2/fan_in), biases 0, optionally spectrally normalised (W / σ_max(W), the top
/// singular value recomputed at every use, as the source does with a full SVD).
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

    /// <summary>
    /// The weights one training step uses (normalised once, shared by every force evaluation of the rollout);
    /// <paramref name="inputs"/> keeps the first columns of W₁: the actions are zero, so their columns add nothing.
    /// </summary>
    public Evaluation Prepare(bool spectralNorm, long inputs)
    {
        Tensor Norm(Tensor w) => spectralNorm ? w / Linalg.MatrixNorm(w, 2).ClampMin(1e-12) : w;
        return new Evaluation(Norm(_w1).Narrow(1, 0, inputs), _b1, Norm(_w2), _b2, Norm(_w3), _b3);
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
