namespace Dashboard.Torch;

/// <summary>PyTorch's <c>torch.linalg</c> functions the models use, each differentiable.</summary>
public static class Linalg
{
    private static readonly Op SvdOp = new("aten::linalg_svd");
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

    /// <summary>
    /// The thin singular value decomposition A = U diag(S) Vᴴ of each matrix in the last two dimensions
    /// (torch.linalg.svd, full_matrices=False): U (…, m, k) and Vh (…, k, n) with orthonormal columns and rows,
    /// S (…, k) descending, k = min(m, n). Each singular pair is determined up to a common sign.
    /// </summary>
    public static (Tensor U, Tensor S, Tensor Vh) Svd(Tensor a)
    {
        CheckSvdHostRead("linalg_svd");
        var outs = SvdOp.CallMany(3, a, false);
        return (outs[0]!, outs[1]!, outs[2]!);
    }

    /// <summary>The singular values of each matrix in the last two dimensions, in descending order.</summary>
    public static Tensor Svdvals(Tensor a)
    {
        CheckSvdHostRead("linalg_svdvals");
        return SvdvalsOp.Call(a);
    }

    /// <summary>
    /// The matrix norm of order <paramref name="ord"/> over the last two dimensions: 2 is the spectral norm
    /// (largest singular value), -2 the smallest, 1/∞ the largest column/row sum (PyTorch's <c>matrix_norm</c>).
    /// </summary>
    public static Tensor MatrixNorm(Tensor a, double ord, bool keepDim = false)
    {
        if (Math.Abs(ord) == 2) CheckSvdHostRead($"linalg_matrix_norm (ord {ord}, through the SVD)");
        return MatrixNormOp.Call(a, ord, new long[] { -2, -1 }, keepDim);
    }

    /// <summary>The lower-triangular L with L Lᵀ = <paramref name="a"/> (symmetric positive definite).</summary>
    public static Tensor Cholesky(Tensor a) => CholeskyOp.Call(a);

    /// <summary>The X with A X = B.</summary>
    public static Tensor Solve(Tensor a, Tensor b) => SolveOp.Call(a, b);

    /// <summary>
    /// libtorch's SVD reads its solver's error info back on the host after every call (a device sync, and on CUDA the
    /// reason it cannot be captured in a graph: a GPU run of issue 16 failed there). Refused where host reads are
    /// forbidden, so that a rehearsed capture on the CPU finds it as a real capture on the GPU does.
    /// </summary>
    private static void CheckSvdHostRead(string op) => HostReads.Check($"{op} (its error check)");
}
