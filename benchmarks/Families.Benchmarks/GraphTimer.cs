using System.Diagnostics;
using Dashboard.Torch;

namespace Dashboard.Families.Benchmarks;

/// <summary>
/// GPU time of one call of a short operation: twenty calls captured in one CUDA graph and replayed ten times, so that
/// host launch overhead is not counted; eager launches where capture fails (and the table says so).
/// </summary>
internal static class GraphTimer
{
    public static (double Microseconds, string How) PerCall(Device device, Action once)
    {
        const int perReplay = 20, replays = 10;
        for (var i = 0; i < 5; i++) once();
        Cuda.Synchronize(device.Index);
        try
        {
            using var graph = new CudaGraph();
            graph.BeginCapture(device.Index);
            for (var i = 0; i < perReplay; i++) once();
            graph.EndCapture();
            graph.Replay();
            Cuda.Synchronize(device.Index);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < replays; i++) graph.Replay();
            Cuda.Synchronize(device.Index);
            return (clock.Elapsed.TotalMilliseconds * 1000 / (perReplay * replays), "CUDA graph of 20, 10 replays");
        }
        catch (TorchException)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < perReplay * replays; i++) once();
            Cuda.Synchronize(device.Index);
            return (clock.Elapsed.TotalMilliseconds * 1000 / (perReplay * replays), "eager (capture failed)");
        }
    }
}
