using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// SympRSSM's HamiltonianNet: H(q, p, a) = T(p) + V(q) + Φ(q, a), separable in (q, p). T(p) = ½pᵀMp with
/// M = LLᵀ, L lower-triangular from q(q+1)/2 parameters (zero at init) in tril order, diagonal softplus(·) + 0.1.
/// The actions are fed as zeros.
/// </summary>
public sealed class HamiltonianNet : Module
{
    private readonly Tensor _lFlat;
    private readonly SoftplusMlp _v, _phi;
    private readonly long _q;

    public HamiltonianNet(long qDim, long actionDim, long hidden)
    {
        _q = qDim;
        _lFlat = RegisterParameter("l_flat", Dashboard.Torch.Torch.Zeros([qDim * (qDim + 1) / 2]));
        _v = RegisterModule("v", new SoftplusMlp(qDim, hidden));
        _phi = RegisterModule("phi", new SoftplusMlp(qDim + actionDim, hidden));
    }

    /// <summary>The top singular pairs of V's weights, then Φ's (<see cref="SoftplusMlp.TopSingularVectors"/>): computed eagerly, before a step.</summary>
    public Tensor[] TopSingularVectors() => [.. _v.TopSingularVectors(), .. _phi.TopSingularVectors()];

    /// <summary>
    /// M = LLᵀ and the potentials' weights for one step; every force evaluation of the step shares them. With the spectral
    /// norm, <paramref name="singularVectors"/> are <see cref="TopSingularVectors"/> of the present weights (null: σ_max
    /// directly, see <see cref="SoftplusMlp.Prepare"/>).
    /// </summary>
    public Field Prepare(bool spectralNorm, IReadOnlyList<Tensor>? singularVectors)
    {
        const int each = SoftplusMlp.SingularVectorCount;
        if (spectralNorm && singularVectors is { Count: not 2 * each })
            throw new ArgumentException($"{2 * each} singular vectors expected, got {singularVectors.Count}", nameof(singularVectors));
        var flat = FlatTrilIndices(_lFlat.Device);
        var raw = Dashboard.Torch.Torch.Zeros([_q * _q], _lFlat.Dtype, _lFlat.Device).Scatter(0, flat, _lFlat).Reshape(_q, _q);
        var eye = Dashboard.Torch.Torch.Eye(_q, _lFlat.Dtype, _lFlat.Device);
        var l = raw * (1.0 - eye) + eye * (raw.Softplus() + 0.1);
        var (v, phi) = spectralNorm && singularVectors is not null
            ? (singularVectors.Take(each).ToArray(), singularVectors.Skip(each).ToArray())
            : (null, null);
        return new Field(l.MatMul(l.MT), _v.Prepare(spectralNorm, _q, v), _phi.Prepare(spectralNorm, _q, phi));
    }

    private Tensor? _flatTril;

    /// <summary>Row-major positions i·q + j of the tril entries (0,0), (1,0), (1,1), (2,0), …, made once.</summary>
    private Tensor FlatTrilIndices(Device device)
    {
        if (_flatTril is { } cached && cached.Device == device) return cached;
        using var indices = Dashboard.Torch.Torch.TrilIndices(_q, _q);
        var rc = indices.ToArray<long>();
        var n = rc.Length / 2;
        var flat = new long[n];
        for (var k = 0; k < n; k++) flat[k] = rc[k] * _q + rc[n + k];
        _flatTril?.Dispose();
        using var host = Tensor.From(flat);
        _flatTril = host.To(device).DetachFromDisposeScope();
        return _flatTril;
    }

    public override void Dispose()
    {
        _flatTril?.Dispose();
        base.Dispose();
    }

    /// <summary>A prepared Hamiltonian: its value and its two partial derivatives.</summary>
    public sealed record Field(Tensor M, SoftplusMlp.Evaluation V, SoftplusMlp.Evaluation Phi) : ISeparableField
    {
        /// <summary>∂H/∂p = Mp: (B, q) → (B, q).</summary>
        public Tensor DhDp(Tensor p) => p.MatMul(M);

        /// <summary>∂H/∂q = ∇V(q) + ∇_qΦ(q, 0): (B, q) → (B, q).</summary>
        public Tensor DhDq(Tensor q) => V.Gradient(q) + Phi.Gradient(q);

        /// <summary>H(q, p, 0): (B, q), (B, q) → (B).</summary>
        public Tensor Energy(Tensor q, Tensor p) => 0.5 * (p.MatMul(M) * p).Sum(1) + V.Value(q) + Phi.Value(q);
    }
}
