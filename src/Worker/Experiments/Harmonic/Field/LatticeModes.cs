using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// The lowest <c>M</c> eigenpairs of the lattice Laplacian on the device, as the seed computes them: dense
/// <c>torch.linalg.eigh</c> of the float32 matrix, ascending; mode 0 is the constant mode (λ = 0).
/// Owns its tensors.
/// </summary>
public sealed class LatticeModes : IDisposable
{
    private LatticeModes(Tensor eigenvalues, Tensor vectors, Tensor columnSums)
    {
        Eigenvalues = eigenvalues;
        Vectors = vectors;
        ColumnSums = columnSums;
    }

    /// <summary>λ, (M).</summary>
    public Tensor Eigenvalues { get; }

    /// <summary>V, (N, M), orthonormal columns.</summary>
    public Tensor Vectors { get; }

    /// <summary>Vᵀ1, (M) in float64: Σₙ S[t, n] = A_t · Vᵀ1, so the activity's sums come from the modes.</summary>
    public Tensor ColumnSums { get; }

    public int Count => (int)Eigenvalues.Size(0);

    public static LatticeModes Compute(Lattice lattice, int modes, Device device)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var n = lattice.Nodes;
        var laplacian = Tensor.From(lattice.Laplacian(), [n, n], device);
        laplacian = (laplacian + laplacian.MT) * 0.5;                        // symmetrised, as the seed
        var (values, vectors) = Linalg.Eigh(laplacian);                      // (N), (N, N)
        var lambda = values.Narrow(0, 0, modes).Contiguous();                 // (M)
        var v = vectors.Narrow(1, 0, modes).Contiguous();                     // (N, M)
        var sums = v.To(ScalarType.Float64).Sum(0);                           // (M)
        return new LatticeModes(lambda.MoveToOuterScope(), v.MoveToOuterScope(), sums.MoveToOuterScope());
    }

    public void Dispose()
    {
        Eigenvalues.Dispose();
        Vectors.Dispose();
        ColumnSums.Dispose();
    }
}
