namespace Dashboard.Torch;

/// <summary>
/// Reading a tensor's value on the host (<see cref="Tensor.ToDouble"/>, <see cref="Tensor.ToArray{T}"/>, …) waits for
/// the device. Inside a CUDA graph capture that wait is an error that CUDA reports late and obscurely (the capture is
/// invalidated, "operation not permitted when stream is capturing"), and its value would be frozen into the graph
/// anyway. While a region forbids host reads on this thread, such a read throws at once, naming the read and the
/// region, before anything reaches the device. <see cref="CudaGraph"/> forbids them between begin and end of capture.
/// </summary>
public static class HostReads
{
    [ThreadStatic] private static string? t_forbiddenIn;

    /// <summary>Whether host reads are forbidden on this thread now.</summary>
    public static bool Forbidden => t_forbiddenIn is not null;

    /// <summary>Forbids host reads on this thread until disposed; <paramref name="region"/> names what is running ("capturing the training step").</summary>
    public static IDisposable Forbid(string region)
    {
        var previous = t_forbiddenIn;
        t_forbiddenIn = region;
        return new Restore(previous);
    }

    internal static void Check(string read)
    {
        if (t_forbiddenIn is { } region)
            throw new TorchException($"{read} reads a tensor's value on the host, which waits for the device: not allowed while {region}");
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            t_forbiddenIn = previous;
        }
    }
}
