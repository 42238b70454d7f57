using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;

namespace Dashboard.Torch.Tests;

/// <summary>
/// The LSTM's flat cuDNN weights (LSTM.FlattenParameters) on the CPU: there it must change nothing. The CUDA path (the
/// flattening itself, equal results, no per-call copy) is checked on a GPU by the families benchmark's GPU checks.
/// A flat layout is built here by hand (each weight re-pointed at a view of one buffer, as ATen's flatten does with
/// set_), to check what the binding relies on: the query that sees it, and that copies into the weights keep it.
/// </summary>
public class LstmFlatWeightsTests
{
    [Fact]
    public void Storage_tells_views_of_one_buffer_from_separate_tensors()
    {
        using var scope = Torch.NewDisposeScope();
        var buffer = Torch.Randn([12]);
        var view = buffer.Narrow(0, 4, 6).View(2, 3);
        var separate = Torch.Randn([12]);

        var whole = buffer.Storage;
        whole.Bytes.Should().Be(48);
        whole.Offset.Should().Be(0);
        view.Storage.Address.Should().Be(whole.Address);
        view.Storage.Offset.Should().Be(16);
        view.Storage.DataAddress.Should().Be(whole.Address + 16);
        separate.Storage.Address.Should().NotBe(whole.Address);
    }

    [Fact]
    public void FlattenParameters_on_the_CPU_leaves_the_weights_and_the_results_as_they_were()
    {
        Torch.ManualSeed(5);
        using var scope = Torch.NewDisposeScope();
        using var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true);
        var x = Torch.Randn([2, 5, 3]);
        var (before, (hBefore, cBefore)) = lstm.Forward(x);
        var parameters = lstm.Parameters().ToArray();
        var storages = parameters.Select(p => p.Storage).ToArray();
        var values = parameters.Select(p => p.Detach().Clone()).ToArray();

        lstm.FlattenParameters().Should().BeFalse();
        lstm.To(Device.Cpu).Should().BeSameAs(lstm);   // Module.To calls it too

        lstm.WeightsAreFlat.Should().BeFalse();
        var after = lstm.Parameters().ToArray();
        after.Should().HaveCount(parameters.Length);
        for (var i = 0; i < parameters.Length; i++)
        {
            after[i].Should().BeSameAs(parameters[i]);
            after[i].Storage.Should().Be(storages[i]);
            after[i].Equal(values[i]).Should().BeTrue();
        }
        var (output, (h, c)) = lstm.Forward(x);
        output.Equal(before).Should().BeTrue();
        h.Equal(hBefore).Should().BeTrue();
        c.Equal(cBefore).Should().BeTrue();
    }

    [Fact]
    public void Weights_in_one_buffer_compute_the_same_and_stay_there_through_copies_into_them()
    {
        Torch.ManualSeed(6);
        using var scope = Torch.NewDisposeScope();
        using var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true);
        using var other = new LSTM(3, 4, numLayers: 2, batchFirst: true);
        var x = Torch.Randn([2, 5, 3]);
        var (expected, _) = lstm.Forward(x);
        var (expectedOther, _) = other.Forward(x);

        var buffer = Flatten(lstm);
        lstm.WeightsAreFlat.Should().BeTrue();
        lstm.Forward(x).Output.Equal(expected).Should().BeTrue();

        // Moving to where they are, loading a state dict and loading a checkpoint all copy in place.
        lstm.To(Device.Cpu);
        lstm.WeightsAreFlat.Should().BeTrue();
        lstm.LoadStateDict(other.StateDict());
        lstm.WeightsAreFlat.Should().BeTrue();
        lstm.Forward(x).Output.Equal(expectedOther).Should().BeTrue();
        var path = Path.Combine(Path.GetTempPath(), $"lstm-flat-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var third = new LSTM(3, 4, numLayers: 2, batchFirst: true);
            var (expectedThird, _) = third.Forward(x);
            Checkpoint.Save(path, third);
            Checkpoint.Load(path, lstm);
            lstm.WeightsAreFlat.Should().BeTrue();
            lstm.Forward(x).Output.Equal(expectedThird).Should().BeTrue();
        }
        finally
        {
            File.Delete(path);
        }
        lstm.Parameters().Should().OnlyContain(p => p.Storage.Address == buffer.Storage.Address);

        // A dtype change gives each weight its own storage again (on CUDA, To then flattens anew).
        lstm.To(ScalarType.Float64);
        lstm.WeightsAreFlat.Should().BeFalse();
    }

    [Fact]
    public void To_tells_every_sub_module_that_its_parameters_moved()
    {
        using var outer = new Counting(new Counting(null));
        outer.To(Device.Cpu);
        outer.To(ScalarType.Float64);
        outer.Moves.Should().Be(2);
        outer.Inner!.Moves.Should().Be(2);
    }

    /// <summary>Re-points each weight at its slice of one new buffer, values kept; returns the buffer.</summary>
    private static Tensor Flatten(LSTM lstm)
    {
        using var noGrad = Torch.NoGrad();
        var parameters = lstm.Parameters().ToArray();
        var buffer = Torch.Zeros([parameters.Sum(p => p.NumEl)]);
        long offset = 0;
        foreach (var p in parameters)
        {
            var slice = buffer.Narrow(0, offset, p.NumEl).View(p.Shape);
            slice.CopyFrom(p);
            p.SetData(slice);
            offset += p.NumEl;
        }
        return buffer;
    }

    private sealed class Counting : Module
    {
        public Counting(Counting? inner)
        {
            RegisterParameter("w", Torch.Randn([2]));
            if (inner is not null) Inner = RegisterModule("inner", inner);
        }

        public Counting? Inner { get; }

        public int Moves { get; private set; }

        protected override void OnParametersMoved() => Moves++;
    }
}
