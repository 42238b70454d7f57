namespace Dashboard.Torch;

/// <summary>PyTorch's <c>torch.linalg</c> functions the models use, each differentiable.</summary>
public static class Linalg
{
    private static readonly Op SvdvalsOp = new("aten::linalg_svdvals");
    private static readonly Op MatrixNormOp = new("aten::linalg_matrix_norm");
    private static readonly Op CholeskyOp = new("aten::linalg_cholesky");
    private static readonly Op SolveOp = new("aten::linalg_solve");

    /// <summary>
    /// Eigen-decomposition of a symmetric (Hermitian) matrix, torch.linalg.eigh: eigenvalues ascending, (…, n), and
    /// orthonormal eigenvectors as columns, (…, n, n). Only the lower triangle is read unless <paramref name="upper"/>.
    /// </summary>
    public static (Tensor Values, Tensor Vectors) Eigh(Tensor matrix, bool upper = false)
    {
        var outs = Ops.LinalgEigh.CallMany(2, matrix, upper ? "U" : "L");
        return (outs[0]!, outs[1]!);
    }

    /// <summary>The singular values of each matrix in the last two dimensions, in descending order.</summary>
    public static Tensor Svdvals(Tensor a) => SvdvalsOp.Call(a);

    /// <summary>
    /// The matrix norm of order <paramref name="ord"/> over the last two dimensions: 2 is the spectral norm
    /// (largest singular value), -2 the smallest, 1/∞ the largest column/row sum (PyTorch's <c>matrix_norm</c>).
    /// </summary>
    public static Tensor MatrixNorm(Tensor a, double ord, bool keepDim = false) =>
        MatrixNormOp.Call(a, ord, new long[] { -2, -1 }, keepDim);

    /// <summary>The lower-triangular L with L Lᵀ = <paramref name="a"/> (symmetric positive definite).</summary>
    public static Tensor Cholesky(Tensor a) => CholeskyOp.Call(a);

    /// <summary>The X with A X = B.</summary>
    public static Tensor Solve(Tensor a, Tensor b) => SolveOp.Call(a, b);
}
