using Dashboard.Torch.Optim;

namespace Dashboard.Torch.Tests;

/// <summary>The capturable AdamW (step count and bias corrections on the device, for CUDA graphs) against the host-side one.</summary>
public class AdamWCapturableTests
{
    private static (Tensor[] Start, List<Tensor[]> Grads) Problem()
    {
        Torch.ManualSeed(8);
        var start = new[] { Torch.Randn([3, 4], ScalarType.Float64), Torch.Randn([4], ScalarType.Float64) };
        var grads = Enumerable.Range(0, 6).Select(_ => new[] { Torch.Randn([3, 4], ScalarType.Float64), Torch.Randn([4], ScalarType.Float64) }).ToList();
        return (start, grads);
    }

    private static Tensor[] Train(Tensor[] start, IEnumerable<Tensor[]> grads, Func<Tensor[], AdamW> make, Action<AdamW>? midway = null)
    {
        var ps = start.Select(t => t.Clone().RequiresGrad_().DetachFromDisposeScope()).ToArray();
        using var opt = make(ps);
        var n = 0;
        foreach (var g in grads)
        {
            for (var i = 0; i < ps.Length; i++) ps[i].Grad = g[i];
            opt.Step();
            if (++n == 3) midway?.Invoke(opt);
        }
        return ps;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Capturable_updates_match_the_host_side_ones(bool useForeach)
    {
        using var scope = Torch.NewDisposeScope();
        var (start, grads) = Problem();
        var expected = Train(start, grads, ps => new AdamW(ps, 1e-2, weightDecay: 0.1));
        var actual = Train(start, grads, ps => new AdamW(ps, 1e-2, weightDecay: 0.1, useForeach: useForeach, capturable: true));
        for (var i = 0; i < expected.Length; i++)
        {
            actual[i].AllClose(expected[i], rtol: 1e-12, atol: 1e-14).Should().BeTrue($"parameter {i}");
            expected[i].Dispose();
            actual[i].Dispose();
        }
    }

    [Fact]
    public void Capturable_state_round_trips_through_state_values_including_the_device_step()
    {
        using var scope = Torch.NewDisposeScope();
        var (start, grads) = Problem();
        IReadOnlyDictionary<string, string>? values = null;
        Dictionary<string, Tensor>? tensors = null;
        var straight = Train(start, grads, ps => new AdamW(ps, 1e-2, capturable: true), opt =>
        {
            values = opt.StateValues();
            tensors = opt.StateTensors().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        });
        values!["0.step"].Should().Be("3");

        var ps = start.Select(t => t.Clone().RequiresGrad_().DetachFromDisposeScope()).ToArray();
        using (var warm = new AdamW(ps, 1e-2, capturable: true))
        {
            for (var n = 0; n < 3; n++)
            {
                for (var i = 0; i < ps.Length; i++) ps[i].Grad = grads[n][i];
                warm.Step();
            }
        }
        using var resumed = new AdamW(ps, 1e-2, capturable: true);
        resumed.LoadState(tensors!, values!);
        foreach (var g in grads.Skip(3))
        {
            for (var i = 0; i < ps.Length; i++) ps[i].Grad = g[i];
            resumed.Step();
        }
        resumed.StateValues()["1.step"].Should().Be("6");
        for (var i = 0; i < ps.Length; i++)
        {
            ps[i].Equal(straight[i]).Should().BeTrue($"parameter {i} after resuming at step 3");
            ps[i].Dispose();
            straight[i].Dispose();
        }
    }
}
