using System.Diagnostics;
using Dashboard.Torch;

namespace Dashboard.Families.Benchmarks;

/// <summary>
/// GPU time of one call of a short operation: twenty calls captured in one CUDA graph and replayed ten times, so that
/// host launch overhead is not counted; eager launches where capture fails (and the table says so; the graph's Dispose
/// ends a capture the region threw out of, so the eager fallback can run).
/// </summary>
internal static class GraphTimer
{
    public static (double Microseconds, string How) PerCall(Device device, Action once)
    {
        const int perReplay = 20, replays = 10;
        // Warm up on a side stream, as the training step does (GraphedStep): autograd nodes made on the default stream
        // and still alive at capture join it into the capture, which then fails.
        using (Cuda.SideStream(device.Index))
            for (var i = 0; i < 5; i++) once();
        GC.Collect();   // nothing may free CUDA memory from the finalizer thread while the capture is open
        GC.WaitForPendingFinalizers();
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
        catch (TorchException e)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < perReplay * replays; i++) once();
            Cuda.Synchronize(device.Index);
            return (clock.Elapsed.TotalMilliseconds * 1000 / (perReplay * replays), $"eager (capture failed: {e.Message.Split('\n')[0]})");
        }
    }
}
