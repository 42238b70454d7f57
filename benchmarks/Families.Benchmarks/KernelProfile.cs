using Dashboard.Torch;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The nGPT step at seed 001's shape (bf16 autocast or fp32, projection every step) for a kernel profile: warm-up steps, then
/// <c>steps</c> steps inside a profiled range, so that <c>ncu --profile-from-start off</c> records those steps'
/// kernels only: eager, or (graph) replayed from the captured CUDA graph, whose kernels differ a little (autocast's
/// cast cache is off while capturing, so weights are cast at every use).
/// kernel_profile.py turns ncu's CSV into the table by kernel class.
/// </summary>
internal static class KernelProfile
{
    public static void Run(Device device, int steps, bool graph, bool bf16)
    {
        Torch.ManualSeed(0);
        var shape = Shape.Seed;
        using var trainer = new NGptTrainer(FamilyBenchmarks.NGptConfigFor(shape, bf16), device, bf16Autocast: bf16, graph ? StepGraphs.Cuda : StepGraphs.Off);
        using var scope = Torch.NewDisposeScope();
        var inputs = Torch.RandInt(0, 256, [shape.Batch, shape.Context]).To(device);
        var targets = Torch.RandInt(0, 256, [shape.Batch, shape.Context]).To(device);
        for (var i = 0; i < FamilyBenchmarks.Warmup; i++) trainer.Step(i, inputs, targets);
        trainer.Metrics();
        if (graph && !trainer.UsesCudaGraph) throw new InvalidOperationException($"no CUDA graph: {trainer.GraphFailure}");
        using (Cuda.ProfiledRange())
        {
            for (var i = 0; i < steps; i++) trainer.Step(FamilyBenchmarks.Warmup + i, inputs, targets);
            Cuda.Synchronize(device.Index);
        }
        Console.Error.WriteLine($"profiled {steps} nGPT steps ({shape}, {(bf16 ? "bf16" : "fp32")}, {(graph ? "CUDA graph" : "eager")})");
    }
}
