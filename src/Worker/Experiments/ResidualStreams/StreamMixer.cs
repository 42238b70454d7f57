using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// One of the seed's static S×S stream mixers (spec 002, mhc.py): learned logits, not input-dependent, initialised
/// to 2I − 1; the matrix used is a function of them. y_s = Σ_k H[s, k] x_k.
/// </summary>
public sealed class StreamMixer : Module
{
    public enum Kind
    {
        /// <summary>exp(logits), unnormalised (HC's residual mixer; the seed's mode "softplus" returns exp).</summary>
        Exp,
        /// <summary>Sinkhorn-Knopp of exp(logits), doubly stochastic (mHC's residual mixer).</summary>
        Sinkhorn,
        /// <summary>softmax(logits) along each row, row-stochastic (the pre and post mixers of both).</summary>
        RowSoftmax,
    }

    private readonly Kind _kind;
    private readonly int _sinkhornIterations;
    private readonly Tensor _logits;

    public StreamMixer(int streams, Kind kind, int sinkhornIterations = 20)
    {
        _kind = kind;
        _sinkhornIterations = sinkhornIterations;
        using var eye = Dashboard.Torch.Torch.Eye(streams);
        using var twice = eye * 2.0;
        _logits = RegisterParameter("logits", twice - 1.0);
    }

    /// <summary>The S×S matrix as the forward pass uses it (a new tensor, differentiable in the logits).</summary>
    public Tensor Matrix() => Apply(_kind, _logits, _sinkhornIterations);

    /// <summary>
    /// The matrices of several mixers of one kind as one (L, S, S) stack, differentiable in each mixer's logits: the
    /// same values as <see cref="Matrix"/> of each, in a handful of kernels for all of them (a model's 24 Sinkhorn
    /// projections were ~2,000 launches a step forward alone).
    /// </summary>
    public static Tensor Matrices(IReadOnlyList<StreamMixer> mixers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(mixers.Count);
        var first = mixers[0];
        if (mixers.Any(m => m._kind != first._kind || m._sinkhornIterations != first._sinkhornIterations))
            throw new ArgumentException("the mixers of one stack must be of one kind", nameof(mixers));
        using var logits = Dashboard.Torch.Torch.Stack(mixers.Select(m => m._logits).ToArray());   // (L, S, S)
        return Apply(first._kind, logits, first._sinkhornIterations);
    }

    private static Tensor Apply(Kind kind, Tensor logits, int sinkhornIterations) => kind switch   // (…, S, S)
    {
        Kind.Exp => logits.Exp(),
        Kind.Sinkhorn => Sinkhorn.Project(logits, sinkhornIterations),
        _ => F.Softmax(logits, dim: -1),
    };
}
