using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// Next-token prediction batches over a token sequence (UTF-8 bytes, or GPT-2 ids; both fit 16 bits): windows of
/// <c>context + 1</c> tokens, inputs the first <c>context</c>, targets the last. A training batch depends only on (seed, step), so a resumed run sees the batches it would have seen; the
/// validation windows are fixed (evenly spaced over the held-out text, whatever the seed), so every run and every
/// evaluation is scored on the same tokens.
/// </summary>
public sealed class TokenBatches
{
    private readonly ushort[] _train, _validation;
    private readonly int _context, _batch;
    private readonly long _seed;

    public TokenBatches(ushort[] train, ushort[] validation, int context, int batch, long seed)
    {
        if (train.Length < context + 2 || validation.Length < context + 2)
            throw new ArgumentException($"context {context} is longer than the corpus ({train.Length} training and {validation.Length} validation tokens).");
        (_train, _validation, _context, _batch, _seed) = (train, validation, context, batch, seed);
    }

    /// <summary>Inputs and targets of step <paramref name="step"/>, each (batch, context) int64 on the CPU.</summary>
    public (Tensor Inputs, Tensor Targets) Train(long step)
    {
        var random = new Random(unchecked((int)(_seed * 1_000_003 + step * 7919)));  // not HashCode: it is salted per process
        var offsets = new long[_batch];
        for (var b = 0; b < _batch; b++) offsets[b] = random.NextInt64(_train.Length - _context);
        return Windows(_train, offsets);
    }

    /// <summary><paramref name="batches"/> fixed validation batches, each (batch, context) int64 on the CPU.</summary>
    public IReadOnlyList<(Tensor Inputs, Tensor Targets)> Validation(int batches)
    {
        var windows = batches * _batch;
        var last = _validation.Length - _context - 1;
        var result = new List<(Tensor, Tensor)>(batches);
        for (var i = 0; i < batches; i++)
        {
            var offsets = new long[_batch];
            for (var b = 0; b < _batch; b++)
            {
                var w = i * _batch + b;
                offsets[b] = windows == 1 ? 0 : (long)((double)w * last / (windows - 1));
            }
            result.Add(Windows(_validation, offsets));
        }
        return result;
    }

    /// <summary>Byte-level batches: each byte of the text is a token.</summary>
    public static TokenBatches Bytes(byte[] train, byte[] validation, int context, int batch, long seed) =>
        new(Widen(train), Widen(validation), context, batch, seed);

    private static ushort[] Widen(byte[] bytes) => Array.ConvertAll(bytes, b => (ushort)b);

    private (Tensor, Tensor) Windows(ushort[] text, long[] offsets)
    {
        var inputs = new long[offsets.Length * _context];
        var targets = new long[offsets.Length * _context];
        for (var b = 0; b < offsets.Length; b++)
        {
            for (var t = 0; t < _context; t++)
            {
                inputs[b * _context + t] = text[offsets[b] + t];
                targets[b * _context + t] = text[offsets[b] + t + 1];
            }
        }
        long[] shape = [offsets.Length, _context];
        return (Tensor.From(inputs, shape), Tensor.From(targets, shape));
    }
}
