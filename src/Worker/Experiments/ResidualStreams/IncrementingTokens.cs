using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// The seed's task: sequences that count up from a random token (t, t+1, t+2, … mod vocab); predict the next.
/// Each step's batch depends only on (seed, step), so a resumed run sees the batches it would have seen.
/// </summary>
public sealed class IncrementingTokens(int vocab, int seqLen, int batch, long seed)
{
    /// <summary>Inputs and targets, each (batch, seqLen) int64, on <paramref name="device"/>.</summary>
    public (Tensor Inputs, Tensor Targets) Batch(long step, Device device)
    {
        var random = new Random(unchecked((int)(seed * 1_000_003 + step * 7919)));  // not HashCode: it is salted per process
        var inputs = new long[batch * seqLen];
        var targets = new long[batch * seqLen];
        for (var b = 0; b < batch; b++)
        {
            var start = random.Next(vocab);
            for (var t = 0; t < seqLen; t++)
            {
                inputs[b * seqLen + t] = (start + t) % vocab;
                targets[b * seqLen + t] = (start + t + 1) % vocab;
            }
        }
        return (Tensor.From(inputs, [batch, seqLen], device), Tensor.From(targets, [batch, seqLen], device));
    }
}
