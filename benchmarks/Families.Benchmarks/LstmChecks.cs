using Dashboard.Torch;
using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The LSTM's weights in cuDNN's one flat buffer (LSTM.FlattenParameters, done by Module.To on CUDA; HHmL's agent is
/// such an LSTM), checked on the GPU: it computes what separate weights compute, and its forward no longer copies the
/// weights. Listed in <see cref="GpuChecks.Run"/> and run by the hhml benchmark before its rows; where one fails, the
/// hhml rows run with separate weights (LSTM.RefuseFlattening).
/// </summary>
internal static class LstmChecks
{
    public const string FlatPath = "lstm-flat";

    public static IReadOnlyList<GpuCheck> Run(Device device) =>
    [
        GpuChecks.Check("LSTM flat cuDNN weights = separate weights (2 layers, H 32, fp32: output, state, gradients, parameters after 3 Adam steps; " +
            "still one buffer after the steps and a checkpoint round trip)", FlatPath, 1e-5, () => FlatEqualsSeparate(device)),
        GpuChecks.Check("LSTM flat cuDNN weights: a training forward copies no weights (|1 − (separate weights' peak extra memory − flat " +
            "weights') / the weights' bytes|: separate weights allocate cuDNN's copy of them, flat ones do not)", FlatPath, 0.25, () => ForwardCopies(device)),
    ];

    private static double FlatEqualsSeparate(Device device)
    {
        Torch.ManualSeed(7);
        using var scope = Torch.NewDisposeScope();
        using var flat = new LSTM(24, 32, numLayers: 2, batchFirst: true);
        using var separate = new LSTM(24, 32, numLayers: 2, batchFirst: true);
        separate.LoadStateDict(flat.StateDict());
        flat.To(device);
        separate.To(device);
        Separate(separate);
        RequireOneBuffer(flat, "after Module.To");
        if (separate.WeightsAreFlat) throw new InvalidOperationException("the reference LSTM's weights still share one buffer");

        var x = Torch.Randn([5, 7, 24]).To(device);
        var h0 = Torch.Randn([2, 5, 32]).To(device);
        var c0 = Torch.Randn([2, 5, 32]).To(device);
        var wOutput = Torch.Randn([5, 7, 32]).To(device);
        var wH = Torch.Randn([2, 5, 32]).To(device);
        var wC = Torch.Randn([2, 5, 32]).To(device);
        using var adamFlat = new AdamW(flat.Parameters(), 1e-2, weightDecay: 0.0);
        using var adamSeparate = new AdamW(separate.Parameters(), 1e-2, weightDecay: 0.0);
        var errors = new List<double>();
        Tensor[] Step(LSTM lstm, AdamW adam)
        {
            adam.ZeroGrad();
            var (output, (h, c)) = lstm.Forward(x, (h0, c0));
            ((output * wOutput).Sum() + (h * wH).Sum() + (c * wC).Sum()).Backward();
            var grads = Torch.Cat(lstm.Parameters().Select(p => p.Grad!.Reshape(-1)).ToArray());
            adam.Step();
            return [output.Detach(), h.Detach(), c.Detach(), grads];
        }
        for (var step = 0; step < 3; step++)
        {
            using var inner = Torch.NewDisposeScope();
            var fast = Step(flat, adamFlat);
            var reference = Step(separate, adamSeparate);
            errors.AddRange(fast.Zip(reference, GpuChecks.RelativeError));
        }
        errors.Add(GpuChecks.RelativeError(Flat(flat), Flat(separate)));
        RequireOneBuffer(flat, "after 3 Adam steps");

        // A resume loads the checkpoint into the live model: in place, so the weights stay in their buffer.
        var path = Path.Combine(Path.GetTempPath(), $"lstm-flat-{Guid.NewGuid():N}.safetensors");
        try
        {
            var saved = Flat(flat);
            Checkpoint.Save(path, flat, adamFlat);
            using (Torch.NoGrad())
                foreach (var p in flat.Parameters()) p.Zero_();
            Checkpoint.Load(path, flat, adamFlat);
            RequireOneBuffer(flat, "after loading a checkpoint");
            errors.Add(GpuChecks.RelativeError(Flat(flat), saved));
        }
        finally
        {
            File.Delete(path);
        }
        return errors.Max();
    }

    /// <summary>
    /// The peak memory one training forward adds, over the weights' bytes, separate weights against flat ones: cuDNN
    /// allocates a buffer of the weights' size and copies them in on every call unless they are flat already. Input (1, 1, 1024) so that workspace, reserve and
    /// output are small beside 2 × 4 × 1024 × 2048 weights (67 MB).
    /// </summary>
    private static double ForwardCopies(Device device)
    {
        Torch.ManualSeed(8);
        using var scope = Torch.NewDisposeScope();
        using var flat = new LSTM(1024, 1024, numLayers: 2, batchFirst: true);
        using var separate = new LSTM(1024, 1024, numLayers: 2, batchFirst: true);
        flat.To(device);
        separate.To(device);
        Separate(separate);
        RequireOneBuffer(flat, "after Module.To");
        var x = Torch.Randn([1, 1, 1024]).To(device);
        var weightBytes = (double)flat.Parameters().Sum(p => p.NumEl * p.Dtype.ElementSize());
        double Extra(LSTM lstm)
        {
            using (Torch.NewDisposeScope()) lstm.Forward(x);   // warm-up: cuDNN's handle and descriptors
            Cuda.Synchronize(device.Index);
            var before = Cuda.MemoryStats(device.Index).AllocatedBytes;
            Cuda.ResetPeakMemoryStats(device.Index);
            using (Torch.NewDisposeScope())
            {
                lstm.Forward(x);
                Cuda.Synchronize(device.Index);
                return (Cuda.MemoryStats(device.Index).PeakAllocatedBytes - before) / weightBytes;
            }
        }
        // Both forwards also allocate what is not weights (on an H100, 2026-12-07, the flat one's extra came to 1.25× the
        // weights' bytes): the copy is the difference between them.
        var separateExtra = Extra(separate);
        var flatExtra = Extra(flat);
        Console.Error.WriteLine($"  LSTM forward's peak extra memory / weights' bytes: separate {separateExtra:F3}, flat {flatExtra:F3}");
        return Math.Abs(1 - (separateExtra - flatExtra));
    }

    /// <summary>Gives each weight its own storage again: what Module.To left before flattening existed.</summary>
    private static void Separate(LSTM lstm)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        foreach (var p in lstm.Parameters()) p.SetData(p.Detach().Clone());
    }

    /// <summary>
    /// Throws unless every weight is a contiguous view of one storage, none overlapping another, all inside it (the
    /// layout cuDNN checks each weight's address against is its own; this is what the binding can see of it).
    /// </summary>
    private static void RequireOneBuffer(LSTM lstm, string when)
    {
        if (!lstm.WeightsAreFlat) throw new InvalidOperationException($"{when}: the LSTM's weights do not share one buffer");
        var spans = lstm.Parameters()
            .Select(p => (Storage: p.Storage, Bytes: p.NumEl * p.Dtype.ElementSize(), Contiguous: p.IsContiguous))
            .OrderBy(s => s.Storage.Offset).ToList();
        long end = 0;
        foreach (var (storage, bytes, contiguous) in spans)
        {
            if (!contiguous) throw new InvalidOperationException($"{when}: a weight is not a contiguous view");
            if (storage.Offset < end) throw new InvalidOperationException($"{when}: weights overlap in the buffer");
            end = storage.Offset + bytes;
        }
        if (end > spans[0].Storage.Bytes) throw new InvalidOperationException($"{when}: a weight reaches past the buffer's {spans[0].Storage.Bytes} bytes");
    }

    private static Tensor Flat(LSTM lstm) => Torch.Cat(lstm.Parameters().Select(p => p.Detach().Reshape(-1)).ToArray());
}
