using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Torch.Checkpoints;
using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Worker.Tests.Experiments;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The hhml trainer on the CPU at a tiny scale: as-run reproduces the seed's table from the state, intended moves the
/// field and the metrics, the agent is the seed's shape, and the vectorised environment steps agree with plain loops
/// written the way the seed wrote them.
/// </summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class HhmlTrainingTests
{
    private static HhmlConfig Tiny(string mode, long cycles = 15, JsonObject? extra = null)
    {
        var config = (JsonObject)new HhmlFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        config["mode"] = mode;
        config["cycles"] = cycles;
        if (extra is not null)
            foreach (var (k, v) in extra) config[k] = v?.DeepClone();
        return HhmlConfig.From(config);
    }

    [Fact]
    public void As_run_reproduces_the_seeds_reward_table_from_the_state_at_every_cycle()
    {
        Torch.ManualSeed(5);
        var config = Tiny(HhmlFamily.AsRun);
        using var trainer = new HhmlTrainer(config, Device.Cpu);
        for (var n = 1; n <= config.Cycles; n++)
        {
            var cycle = trainer.Step(n);
            cycle.Reward.Total.Should().Be(1450 + Math.Min(200, 20 * (n - 1)), $"cycle {n}");
            cycle.Metrics.Density.Should().Be(1.0);
            cycle.Metrics.Vortices.Should().Be(config.Nodes, "every node of a zero field is a vortex");
            (cycle.Metrics.Quality, cycle.Metrics.Neighbourhood, cycle.Metrics.Core, cycle.Metrics.Stability).Should().Be((1.0, 1.0, 1.0, 1.0));
            cycle.Removed.Should().Be(0);
            cycle.CyclesAtTarget.Should().Be(n, "the seed's Stable column");
            cycle.Reward.Sustained.Should().Be(Math.Min(200, 20 * (n - 1)));
            double.IsFinite(cycle.Loss).Should().BeTrue();
        }
        trainer.Strips.FieldRe.Abs().Max().ToDouble().Should().Be(0, "the seed discarded the evolved field");
        trainer.Strips.FieldIm.Abs().Max().ToDouble().Should().Be(0);
    }

    [Fact]
    public void Intended_writes_the_update_back_so_the_field_and_the_metrics_move()
    {
        Torch.ManualSeed(5);
        var config = Tiny(HhmlFamily.Intended, cycles: 8);
        using var trainer = new HhmlTrainer(config, Device.Cpu);
        var before = trainer.Strips.Magnitude().ToArray<float>();
        before.Should().OnlyContain(m => Math.Abs(m - 1f) < 1e-5, "ψ starts at 1·e^{iφ}");
        var cycles = Enumerable.Range(1, 8).Select(n => trainer.Step(n)).ToList();
        var after = trainer.Strips.Magnitude().ToArray<float>();
        after.Zip(before).Count(p => Math.Abs(p.First - p.Second) > 1e-3).Should().BeGreaterThan(config.Nodes / 4, "the field evolved");
        cycles.Select(c => c.Metrics.Density).Distinct().Should().HaveCountGreaterThan(1, "the density moves with the field");
        cycles.Select(c => c.Reward.Total).Should().NotEqual(cycles.Select(c => 1450.0 + Math.Min(200, 20 * (c.Cycle - 1))));
        cycles.Should().OnlyContain(c => c.Metrics.Quality >= 0 && c.Metrics.Quality <= 1 && c.Metrics.Density >= 0 && c.Metrics.Density <= 1);
    }

    [Fact]
    public void The_agent_is_the_seeds_shape_and_its_parameter_count_needs_no_allocation()
    {
        using (var baseline = new HhmlAgent(new HhmlScale(2, 2000, 512, 4, 64, 1000)))
        {
            baseline.ParameterCount().Should().Be(10_333_112);
            baseline.NamedParameters().Select(p => (p.Name, string.Join("x", p.Parameter.Shape)))
                .Should().Equal(HhmlAgent.ParameterShapes(baseline.Scale).Select(p => (p.Name, string.Join("x", p.Shape))));
        }
        var scaled = new HhmlScale(10, 2000, 6144, 4, 64, 2000);
        HhmlAgent.CountParameters(scaled).Should().Be(1_214_808_120);
        HhmlAgent.CountParameters(scaled).Should().Be(scaled.Parameters, "the Domain's formula sizes runs before they allocate");
        HhmlAgent.ParameterShapes(scaled).Select(p => p.Name).Should().StartWith(["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0"])
            .And.Contain(["amplitude_heads.9.weight", "control_head.4.bias", "value_head.weight"]);
    }

    [Fact]
    public void Vortex_quality_matches_a_loop_over_vortices()
    {
        Torch.ManualSeed(11);
        var config = Tiny(HhmlFamily.Intended);
        using var strips = new StripEnvironment(config, Device.Cpu);
        using var scope = Torch.NewDisposeScope();
        var magnitude = Torch.Rand([strips.Nodes]) * 0.6;
        using var scores = VortexQuality.Score(strips.Positions, magnitude, 0.3, 0.5);

        var p = strips.Positions.ToArray<float>();
        var m = magnitude.ToArray<float>();
        var vortices = Enumerable.Range(0, m.Length).Where(i => m[i] < 0.3).ToList();
        scores.Vortices.ToArray<long>().Should().Equal(vortices.Select(v => (long)v));
        var (nbh, core, stab, q) = (scores.Neighbourhood.ToArray<double>(), scores.Core.ToArray<double>(), scores.Stability.ToArray<double>(), scores.Quality.ToArray<double>());
        for (var k = 0; k < vortices.Count; k++)
        {
            var i = vortices[k];
            var near = Enumerable.Range(0, m.Length).Where(j =>
            {
                double dx = p[3 * j] - p[3 * i], dy = p[3 * j + 1] - p[3 * i + 1], dz = p[3 * j + 2] - p[3 * i + 2];
                var d = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                return d < 0.5 && d > 0;
            }).Select(j => (double)m[j]).ToList();
            var expectedNbh = near.Count == 0 ? 0 : near.Count(x => x < 0.3) / (double)near.Count;
            var mean = near.Count == 0 ? 0 : near.Average();
            var std = near.Count < 2 ? double.NaN : Math.Sqrt(near.Sum(x => (x - mean) * (x - mean)) / (near.Count - 1));
            var expectedStab = near.Count < 2 ? 0 : Math.Max(0, 1 - std);
            nbh[k].Should().BeApproximately(expectedNbh, 1e-9);
            core[k].Should().BeApproximately(1 - m[i], 1e-6);
            stab[k].Should().BeApproximately(expectedStab, 1e-6);
            q[k].Should().BeApproximately(0.4 * expectedNbh + 0.3 * (1 - m[i]) + 0.3 * expectedStab, 1e-6);
        }
        vortices.Count.Should().BeGreaterThan(10);
    }

    [Fact]
    public void Annihilation_matches_the_seeds_loop_over_removed_vortices()
    {
        Torch.ManualSeed(12);
        var config = Tiny(HhmlFamily.Intended);
        using var strips = new StripEnvironment(config, Device.Cpu);
        strips.FieldRe.CopyFrom(Torch.Rand([strips.Nodes]) * 0.5 - 0.25);
        strips.FieldIm.CopyFrom(Torch.Rand([strips.Nodes]) * 0.5 - 0.25);
        var values = new double[23];
        values[13] = 0.3;   // sparsity_threshold
        values[19] = 0.7;   // antivortex_strength
        values[20] = 0.25;  // annihilation_radius
        values[21] = 0.85;  // pruning_threshold
        values[22] = 0.6;   // preserve_ratio
        var cp = ControlParameters.FromValues(values);

        var re = strips.FieldRe.ToArray<float>().Select(x => (double)x).ToArray();
        var im = strips.FieldIm.ToArray<float>().Select(x => (double)x).ToArray();
        using var scores = VortexQuality.Score(strips.Positions, strips.Magnitude(), 0.3, 0.5);
        var quality = scores.Quality.ToArray<double>();
        var vortices = scores.Vortices.ToArray<long>();
        var candidates = Enumerable.Range(0, quality.Length).Where(k => quality[k] < 0.85).OrderBy(k => quality[k]).ToList();
        var k = Math.Min(candidates.Count, (int)(vortices.Length * (1 - 0.6)));
        k.Should().BeGreaterThan(0, "the test must remove something");
        var p = strips.Positions.ToArray<float>();
        foreach (var c in candidates.Take(k))
        {
            var v = vortices[c];
            for (var j = 0; j < re.Length; j++)
            {
                double dx = p[3 * j] - p[3 * v], dy = p[3 * j + 1] - p[3 * v + 1], dz = p[3 * j + 2] - p[3 * v + 2];
                if (Math.Sqrt(dx * dx + dy * dy + dz * dz) >= 0.25) continue;
                // ψ(1 − s) + ψ·e^{iπ}·s
                re[j] = re[j] * (1 - 0.7) - re[j] * 0.7;
                im[j] = im[j] * (1 - 0.7) - im[j] * 0.7;
            }
        }

        Annihilation.Apply(strips, cp, qualityRadius: 0.5).Should().Be(k);
        strips.FieldRe.ToArray<float>().Select(x => (double)x).Should().Equal(re, (a, b) => Math.Abs(a - b) < 1e-6);
        strips.FieldIm.ToArray<float>().Select(x => (double)x).Should().Equal(im, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void The_sparse_wave_update_matches_the_seeds_formula_node_by_node()
    {
        Torch.ManualSeed(13);
        var config = Tiny(HhmlFamily.Intended);
        using var strips = new StripEnvironment(config, Device.Cpu);
        strips.Amplitudes.CopyFrom(Torch.Rand([strips.Nodes]) * 3 + 0.1);
        var amplitudes = strips.Amplitudes.ToArray<float>();
        var magnitude = strips.Magnitude().ToArray<float>();
        var phases = strips.Phases.ToArray<float>();
        var graph = strips.Graph;

        using var scope = Torch.NewDisposeScope();
        var (re, im, index) = strips.Propagate(sampleRatio: 0.5, damping: 0.1, nonlinearity: 0.7);
        var nodes = index.ToArray<long>();
        nodes.Should().HaveCount(strips.Nodes / 2).And.OnlyHaveUniqueItems();
        var (gotRe, gotIm) = (re.ToArray<float>(), im.ToArray<float>());
        for (var k = 0; k < nodes.Length; k++)
        {
            var i = (int)nodes[k];
            double a = 0;
            for (var e = graph.Offsets[i]; e < graph.Offsets[i + 1]; e++) a += amplitudes[graph.Targets[e]] / (graph.Distances[e] + 0.05);
            double mi = magnitude[i];
            var f = mi - 0.1 * (graph.Degree(i) * mi - a);
            f *= 1 - 0.1;
            f += 0.7 * f * mi;
            gotRe[k].Should().BeApproximately((float)(f * Math.Cos(phases[i])), 2e-3f * (float)Math.Max(1, Math.Abs(f)));
            gotIm[k].Should().BeApproximately((float)(f * Math.Sin(phases[i])), 2e-3f * (float)Math.Max(1, Math.Abs(f)));
        }
    }

    [Fact]
    public void A_resumed_run_goes_on_exactly_as_an_uninterrupted_one()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hhml-{Guid.NewGuid():N}.safetensors");
        var config = Tiny(HhmlFamily.Intended, cycles: 8);
        try
        {
            Torch.ManualSeed(21);
            List<HhmlCycle> straight;
            float[] straightWeights;
            using (var trainer = new HhmlTrainer(config, Device.Cpu))
            {
                straight = Enumerable.Range(1, 8).Select(n => trainer.Step(n)).ToList();
                straightWeights = trainer.Agent.TrainedParameters().First().ToArray<float>();
            }

            Torch.ManualSeed(21);
            using (var first = new HhmlTrainer(config, Device.Cpu))
            {
                for (var n = 1; n <= 4; n++) first.Step(n);
                Checkpoint.Save(path, first.Run, first.Optimizer, new Dictionary<string, string> { ["c"] = first.CyclesAtTarget.ToString() });
            }
            Torch.ManualSeed(999);   // different weights, strips and generator: all replaced by the load
            using var resumed = new HhmlTrainer(config, Device.Cpu);
            var metadata = Checkpoint.Load(path, resumed.Run, resumed.Optimizer);
            resumed.CyclesAtTarget = long.Parse(metadata["c"]);
            var rest = Enumerable.Range(5, 4).Select(n => resumed.Step(n)).ToList();

            rest.Select(c => c.Reward.Total).Should().Equal(straight.Skip(4).Select(c => c.Reward.Total));
            rest.Select(c => c.Metrics.Density).Should().Equal(straight.Skip(4).Select(c => c.Metrics.Density));
            rest.Select(c => c.Loss).Should().Equal(straight.Skip(4).Select(c => c.Loss));
            resumed.Agent.TrainedParameters().First().ToArray<float>().Should().Equal(straightWeights);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
