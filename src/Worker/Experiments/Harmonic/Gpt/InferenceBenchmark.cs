using System.Diagnostics;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The write-up's inference benchmark: batch 4 × 256 tokens, forward passes in eval mode without gradients, each
/// synchronised, 5 warm-up passes (and 5 replays once captured) then <see cref="HarmonicConfig.BenchmarkIterations"/> timed ones. On a CUDA device
/// the forward is replayed from a CUDA graph where it can be captured (the model is launch-bound at this shape: a
/// standard forward is ~60 small kernels); the mixture of experts reads its expert counts on the host, which a graph
/// cannot hold, so it runs eagerly. The result says which path ran.
/// </summary>
public static class InferenceBenchmark
{
    public const int Batch = 4;
    public const int Tokens = 256;

    public sealed record Result(double MeanMs, double SdMs, double TokensPerSecond, string Path, string? Note);

    /// <param name="tokenIds">
    /// The (<see cref="Batch"/>, T) token ids to time, on the model's device; random when null. A comparison passes its
    /// own, so that another implementation can time the same ids (the mixture of experts' cost depends on its routing).
    /// </param>
    public static Result Run(HarmonicGpt model, HarmonicConfig config, TrainingDevice target, bool graph = true, Tensor? tokenIds = null)
    {
        var tokens = tokenIds?.Size(1) ?? Math.Min(Tokens, config.Context);
        model.Eval();
        try
        {
            using var noGrad = Torch.InferenceMode();
            using var ids = tokenIds?.NewReference() ?? Torch.RandInt(0, config.Vocab, [Batch, tokens], device: target.Device);
            void EagerPass()
            {
                using var scope = Torch.NewDisposeScope();
                using (target.Autocast()) model.Forward(ids);
                if (target.Device.IsCuda) Cuda.Synchronize(target.Device.Index);
            }
            for (var i = 0; i < 5; i++) EagerPass();   // also builds the cached masks outside any graph

            string? note = null;
            using var captured = graph ? Capture(model, ids, config, target, out note) : null;
            Action pass = captured is null ? EagerPass : () =>
            {
                captured.Graph.Replay();
                Cuda.Synchronize(target.Device.Index);
            };
            if (captured is not null)
                for (var i = 0; i < 5; i++) pass();   // the first replays upload the graph
            var times = new double[config.BenchmarkIterations];
            for (var i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                pass();
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            var mean = times.Average();
            var sd = times.Length > 1 ? Math.Sqrt(times.Sum(t => (t - mean) * (t - mean)) / (times.Length - 1)) : 0;
            return new Result(mean, sd, ids.NumEl / (mean / 1000), captured is null ? "eager" : "cuda-graph", note);
        }
        finally
        {
            model.Train();
        }
    }

    /// <summary>A captured forward and the scope that keeps its output alive between replays.</summary>
    private sealed class CapturedForward(CudaGraph graph, DisposeScope outputs) : IDisposable
    {
        public CudaGraph Graph => graph;

        public void Dispose()
        {
            outputs.Dispose();
            graph.Dispose();
        }
    }

    /// <summary>The forward captured in a CUDA graph, or null with the reason in <paramref name="note"/>.</summary>
    private static CapturedForward? Capture(HarmonicGpt model, Tensor ids, HarmonicConfig config, TrainingDevice target, out string? note)
    {
        note = !target.Device.IsCuda ? "CUDA graphs need a CUDA device"
            : config.MixtureOfExperts ? "the mixture of experts reads its expert counts on the host, which a CUDA graph cannot hold"
            : null;
        if (note is not null) return null;

        // Nothing may free CUDA memory from another thread while a capture is open: collect the garbage first.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Cuda.Synchronize(target.Device.Index);
        var graph = new CudaGraph();
        var outputs = Torch.NewDisposeScope();
        TorchException? failure = null;
        try
        {
            graph.BeginCapture(target.Device.Index);
            try
            {
                using (target.Autocast()) model.Forward(ids);
            }
            catch (TorchException e)
            {
                failure = e;
            }
            graph.EndCapture();
        }
        catch (TorchException e)
        {
            failure ??= e;
        }
        if (failure is null) return new CapturedForward(graph, outputs);
        outputs.Dispose();
        graph.Dispose();
        note = $"capturing the forward in a CUDA graph failed, timed eagerly: {failure.Message.Split('\n')[0]}";
        return null;
    }
}
