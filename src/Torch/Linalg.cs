namespace Dashboard.Torch;

/// <summary>Linear-algebra routines of libtorch (torch.linalg).</summary>
public static class Linalg
{
    /// <summary>
    /// Eigen-decomposition of a symmetric (Hermitian) matrix, torch.linalg.eigh: eigenvalues ascending, (…, n), and
    /// orthonormal eigenvectors as columns, (…, n, n). Only the lower triangle is read unless <paramref name="upper"/>.
    /// </summary>
    public static (Tensor Values, Tensor Vectors) Eigh(Tensor matrix, bool upper = false)
    {
        var outs = Ops.LinalgEigh.CallMany(2, matrix, upper ? "U" : "L");
        return (outs[0]!, outs[1]!);
    }
}
