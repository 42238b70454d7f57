using Dashboard.Torch;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.Harmonic.Field;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>Seed 004's field trials against closed forms and the spec's findings on the seed's stored results.</summary>
public sealed class HarmonicFieldTests
{
    [Fact]
    public void Lattice_laplacian_eigenvalues_equal_the_closed_form()
    {
        var lattice = new Lattice(6);
        using var modes = LatticeModes.Compute(lattice, lattice.Nodes, Device.Cpu);
        var expected = (from p in Enumerable.Range(0, 6)
                        from q in Enumerable.Range(0, 6)
                        select 4 - 2 * Math.Cos(2 * Math.PI * p / 6) - 2 * Math.Cos(2 * Math.PI * q / 6)).Order().ToArray();
        var actual = modes.Eigenvalues.ToArray<float>().Select(v => (double)v).ToArray();
        actual.Should().Equal(expected, (a, e) => Math.Abs(a - e) < 1e-4);
        actual[0].Should().BeApproximately(0, 1e-5, "mode 0 is the constant mode");
    }

    [Fact]
    public void Mean_pair_distance_equals_brute_force_and_the_specs_figures()
    {
        var small = new Lattice(5);
        double total = 0;
        for (var i = 0; i < small.Nodes; i++)
            for (var j = 0; j < small.Nodes; j++)
            {
                var (xi, yi) = small.Position(i);
                var (xj, yj) = small.Position(j);
                total += Math.Sqrt((xi - xj) * (xi - xj) + (yi - yj) * (yi - yj));
            }
        small.MeanPairDistance().Should().BeApproximately(total / small.Nodes / small.Nodes, 1e-12);
        Lattice.ForNodes(1000).MeanPairDistance().Should().BeApproximately(16.1553, 1e-4);
        Lattice.ForNodes(2500).MeanPairDistance().Should().BeApproximately(26.0652, 1e-4);
        Lattice.ForNodes(5000).MeanPairDistance().Should().BeApproximately(36.4948, 1e-4);
    }

    [Fact]
    public void Correlations_from_the_modes_equal_those_of_the_spatial_activity()
    {
        var lattice = new Lattice(8);
        using var modes = LatticeModes.Compute(lattice, 20, Device.Cpu);
        Dashboard.Torch.Torch.ManualSeed(3);
        using var initial = Dashboard.Torch.Torch.Randn([3, 20]);
        using var amplitudes = ModeDynamics.Integrate(initial, modes.Eigenvalues, 120);
        var fromModes = LagCorrelations.FromModes(amplitudes, modes, lattice.Nodes);
        var fromActivity = LagCorrelations.FromActivity(amplitudes, modes, chunk: 17);
        fromModes.Should().HaveCount(3);
        fromModes[0].Should().HaveCount(11, "L = min(20, 120 / 10) = 12 gives lags 1 … 11");
        for (var b = 0; b < 3; b++)
            fromModes[b].Should().Equal(fromActivity[b], (m, a) => Math.Abs(m - a) < 1e-4);
    }

    [Fact]
    public void The_as_run_speed_is_the_mean_distance_over_the_first_lag_below_one_half_plus_one()
    {
        double[] correlations = [0.9, 0.8, 0.7, 0.6, 0.55, 0.45, 0.4, 0.3];
        WaveDetection.AsRun(correlations, 12.0).Should().Be(new WaveVerdict(true, 12.0 / 6));
        WaveDetection.AsRun([0.9, 0.9, 0.9, 0.9, 0.9, 0.9], 12.0).Should().Be(new WaveVerdict(true, 12.0 / 7), "h = L − 1 when none drops");
        WaveDetection.AsRun([0.9, 0.9, 0.9, 0.9, 0.9], 12.0).HasWave.Should().BeFalse("five lags are not more than five");
        WaveDetection.AsRun([double.NaN, 0.9, 0.9, 0.9, 0.9, 0.9], 12.0).HasWave.Should().BeFalse("NaN compares false");
        WaveDetection.Corrected([double.NaN, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05], 10.0).HasWave.Should().BeTrue();
        WaveDetection.Corrected([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], 10.0).HasWave.Should().BeFalse("no decay: not a travelling wave");
    }

    [Fact]
    public void The_seeds_small_lattice_as_run_detects_random_initial_conditions_and_blows_up_gaussians()
    {
        // The spec's finding on the seed's stored CSVs and its numpy re-implementation: Gaussian fields put ~19 into a
        // low mode, past the cubic map's ~14 stability bound, and overflow to NaN; random fields stay finite, their lag
        // correlations stay above 0.5, so every one is detected at speed D̄/20 (0.8078 on 31×31).
        var config = new HarmonicConfig { Nodes = 1000, Modes = 200, Timesteps = 200, Trials = 8, Detector = "as-run" };
        Dashboard.Torch.Torch.ManualSeed(0);
        using var trials = new FieldTrials(config, Device.Cpu);
        var rows = trials.Run(0, 8);

        var gaussian = rows.Where(r => r.Family == InitialCondition.Gaussian).ToList();
        var random = rows.Where(r => r.Family == InitialCondition.Random).ToList();
        gaussian.Should().HaveCount(2).And.OnlyContain(r => !r.HasWave);
        random.Should().HaveCount(2).And.OnlyContain(r => r.HasWave && Math.Abs(r.Speed!.Value - 16.1553 / 20) < 1e-3);
        random.Should().OnlyContain(r => double.IsFinite(r.Rotation) && r.Rotation > 0);

        var summary = FieldSummary.Of(rows);
        summary.DetectionByFamily[InitialCondition.Random].Should().Be(1.0);
        summary.DetectionByFamily[InitialCondition.Gaussian].Should().Be(0.0);
    }

    [Fact]
    public void The_gaussian_fields_amplitudes_overflow_in_float32()
    {
        var lattice = Lattice.ForNodes(1000);
        using var modes = LatticeModes.Compute(lattice, 200, Device.Cpu);
        var x = InitialConditions.Field(lattice, InitialCondition.Gaussian, randomised: false, new Random(1));
        using var field = Tensor.From(x.Select(v => (float)v).ToArray(), [1, lattice.Nodes]);
        using var initial = field.MatMul(modes.Vectors);
        initial.Abs().Max().ToDouble().Should().BeGreaterThan(14, "the spec measured max|a₀| ≈ 19.3 for the Gaussian at 31×31");
        Dashboard.Torch.Torch.ManualSeed(0);
        using var amplitudes = ModeDynamics.Integrate(initial, modes.Eigenvalues, 50);
        using var last = amplitudes.Select(1, 49);
        last.ToArray<float>().Should().Contain(float.NaN);
    }

    [Fact]
    public void The_summary_skips_nan_rotations_and_counts_them()
    {
        TrialResult[] rows =
        [
            new(0, InitialCondition.Gaussian, double.NaN, false, null),
            new(1, InitialCondition.PlaneWave, 100, false, null),
            new(2, InitialCondition.Spiral, 200, true, 2.0),
            new(3, InitialCondition.Random, 300, true, 4.0),
        ];
        var summary = FieldSummary.Of(rows);
        summary.RotationNaN.Should().Be(1);
        summary.RotationMean.Should().Be(200);
        summary.RotationSd.Should().Be(100, "sample sd of 100, 200, 300");
        summary.RotationCv.Should().Be(0.5);
        summary.DetectionRate.Should().Be(0.5);
        summary.SpeedMean.Should().Be(3.0);
        summary.Metrics()["detection_rate/spiral"].Should().Be(1.0);
    }

    [Theory]
    [InlineData(1000, 200, 1000, 100, 0, 25)]      // small: four reports (25 trials are 20 MB of amplitudes)
    [InlineData(2500, 500, 2000, 500, 0, 67)]      // medium: 4 MB a trial, 256 MB a batch → 67 (eight batches)
    [InlineData(4900, 800, 5000, 200, 0, 16)]      // large: 16 MB a trial
    [InlineData(10000, 1000, 100_000, 3, 0, 1)]    // 400 MB a trial: one at a time
    [InlineData(1000, 200, 1000, 100, 30, 30)]     // a set batch is taken as given
    [InlineData(1000, 200, 1000, 10, 64, 10)]      // ... up to the trial count
    [InlineData(256, 40, 200, 2, 0, 1)]
    public void A_zero_trial_batch_bounds_memory_and_reports_at_least_four_times(int nodes, int modes, int timesteps, int trials, int set, int expected)
    {
        var config = new HarmonicConfig { Nodes = nodes, Modes = modes, Timesteps = timesteps, Trials = trials, TrialBatch = set };
        TrialBatch.For(config).Should().Be(expected);
    }
}
