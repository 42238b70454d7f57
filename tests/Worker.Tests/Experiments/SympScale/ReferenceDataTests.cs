using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Experiments.SympScale.Systems;

namespace Dashboard.Worker.Tests.Experiments.SympScale;

/// <summary>
/// The reference generators conserve their invariants (short horizons here; the 100-period CR3BP figure is in
/// docs/benchmarks.md): the Jacobi integral under DOP853 at rtol 1e-10/atol 1e-12, FPUT and Toda energies.
/// </summary>
public class ReferenceDataTests
{
    [Fact]
    public void Cr3bp_reference_conserves_the_Jacobi_integral_over_several_periods()
    {
        var system = new Cr3bp();
        var s0 = new[] { 1.0 + Math.Cbrt(Cr3bp.EarthMoon / 3) + 0.01, 0, 0, 0.1 };   // the source's validation state
        var samples = 5 * 20 + 1;
        var trajectory = system.Trajectory(s0, samples, 2 * Math.PI / 20);
        var c0 = system.Invariant(s0);
        var worst = Enumerable.Range(0, samples).Max(t => Math.Abs(system.Invariant(trajectory.AsSpan(t * 4, 4)) - c0));
        worst.Should().BeLessThan(1e-9);
        worst.Should().BeGreaterThan(0, "it is a numerical integration, not a copy");
    }

    [Fact]
    public void Cr3bp_field_matches_the_gradient_of_the_Jacobi_integral()
    {
        // ẍ − 2ẏ = ∂U/∂x and C = 2U − v², so ∂C/∂x = 2(ẍ − 2ẏ): a closed-form check of the equations of motion.
        var system = new Cr3bp();
        double[] s = [0.9, 0.2, 0.05, -0.1];
        var ds = new double[4];
        system.Field(s, ds);
        const double h = 1e-6;
        double C(double dx, double dy) => system.Invariant([s[0] + dx, s[1] + dy, s[2], s[3]]);
        ((C(h, 0) - C(-h, 0)) / (2 * h)).Should().BeApproximately(2 * (ds[2] - 2 * s[3]), 1e-6);
        ((C(0, h) - C(0, -h)) / (2 * h)).Should().BeApproximately(2 * (ds[3] + 2 * s[2]), 1e-6);
    }

    [Theory]
    [InlineData("fput-beta", 16)]
    [InlineData("fput-alpha", 8)]
    [InlineData("toda", 8)]
    public void Lattice_references_conserve_energy_and_start_at_the_set_energy(string name, int dim)
    {
        var config = SympScaleConfig.From(new() { ["system"] = name, ["dim"] = dim, ["energy_per_particle"] = name == "fput-alpha" ? 0.2 : 1.0 });
        var system = (LatticeSystem)SystemCatalogue.For(config);
        var s0 = system.InitialState(new Random(4));
        var ground = name == "toda" ? dim / 2 : 0;
        system.Invariant(s0).Should().BeApproximately(ground + dim / 2 * (name == "fput-alpha" ? 0.2 : 1.0), 1e-9);
        var trajectory = system.Trajectory(s0, 301, 0.01);
        var c0 = system.Invariant(s0);
        Enumerable.Range(0, 301).Max(t => Math.Abs(system.Invariant(trajectory.AsSpan(t * dim, dim)) - c0)).Should().BeLessThan(1e-9);
        // The forces are −∇V: compare with central differences of the potential.
        var q = s0[..(dim / 2)];
        var force = new double[dim / 2];
        system.Force(q, force);
        for (var i = 0; i < q.Length; i++)
        {
            var plus = (double[])q.Clone(); plus[i] += 1e-6;
            var minus = (double[])q.Clone(); minus[i] -= 1e-6;
            force[i].Should().BeApproximately(-(system.Potential(plus) - system.Potential(minus)) / 2e-6, 1e-6);
        }
    }

    [Fact]
    public void Data_are_generated_once_and_then_read_from_the_cache()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sympscale-data-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = SympScaleConfig.From(new() { ["trajectories"] = 3, ["train_trajectories"] = 2, ["length"] = 20, ["rollout"] = 10, ["metric_window"] = 5 });
            var system = SystemCatalogue.For(config);
            var first = TrajectorySet.Load(config, system, folder);
            var second = TrajectorySet.Load(config, system, folder);
            first.FromCache.Should().BeFalse();
            second.FromCache.Should().BeTrue();
            second.Data.Should().Equal(first.Data);
            Directory.GetFiles(folder).Should().ContainSingle();
            first.Std.Should().OnlyContain(s => s > 0);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
