using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;

namespace Dashboard.Torch.Tests;

/// <summary>
/// Checkpoints stream: a tensor larger than the chunk buffer goes to and from the file without a managed copy of
/// itself, and a load fills the model's own tensors in place.
/// </summary>
public sealed class SafeTensorsStreamingTests
{
    private sealed class Wide : Module
    {
        public Wide(long elements) => Weight = RegisterParameter("weight", Torch.Randn([elements]));

        public Tensor Weight { get; }
    }

    [Fact]
    public void A_tensor_bigger_than_the_chunk_buffer_round_trips_in_place_with_one_buffers_worth_of_managed_memory()
    {
        var chunk = SafeTensors.ChunkBytes;
        SafeTensors.ChunkBytes = 1 << 20;   // small, so that the test is quick; 64 MiB in use
        var elements = 3L * SafeTensors.ChunkBytes / 4 + 12_345;   // three chunks and a bit
        var path = Path.Combine(Path.GetTempPath(), $"dashtorch-stream-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var model = new Wide(elements);
            using (var optimizer = new AdamW(model.Parameters(), 1e-3))
            {
                model.Weight.Grad = Torch.OnesLike(model.Weight).DetachFromDisposeScope();
                optimizer.Step();
                var before = GC.GetAllocatedBytesForCurrentThread();
                Checkpoint.Save(path, model, optimizer);
                (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(SafeTensors.ChunkBytes + (512 << 10),
                    "weights and moments (3 × 3 MB) pass through one chunk buffer");
            }
            new FileInfo(path).Length.Should().BeGreaterThan(3 * elements * 4);

            using var restored = new Wide(elements);
            using var restoredOptimizer = new AdamW(restored.Parameters(), 1e-3);
            var identity = restored.Weight;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            Checkpoint.Load(path, restored, restoredOptimizer);
            (GC.GetAllocatedBytesForCurrentThread() - allocated).Should().BeLessThan(SafeTensors.ChunkBytes + (512 << 10));
            restored.Weight.Should().BeSameAs(identity, "loaded into the model's own tensor");
            restored.Weight.Equal(model.Weight).Should().BeTrue();
            restoredOptimizer.StateTensors()["0.exp_avg_sq"].AllClose(Torch.Full([elements], 1e-3)).Should().BeTrue("(1 − β₂)·1²");
        }
        finally
        {
            SafeTensors.ChunkBytes = chunk;
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_does_not_match_the_model_is_refused_by_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dashtorch-stream-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var small = new Wide(10)) Checkpoint.Save(path, small);
            using var other = new Wide(11);
            var act = () => Checkpoint.Load(path, other);
            act.Should().Throw<ArgumentException>().WithMessage("*weight*shape [10]*[11]*");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
