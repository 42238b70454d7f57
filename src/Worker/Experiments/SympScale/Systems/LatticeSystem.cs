using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// A 1-D lattice of N unit masses with H = Σ pᵢ²/2 + V(q): state (q₁…q_N, p₁…p_N). Random initial states carry
/// a set energy per particle above the ground state (a Gaussian direction scaled by bisection), so the regime
/// (e.g. chaotic β-FPUT at ε = 1) does not depend on N.
/// </summary>
public abstract class LatticeSystem(int dimension, double energyPerParticle) : PhaseSystem(dimension)
{
    public int Particles => Dimension / 2;

    public override string InvariantName => "energy";

    /// <summary>V(q) at the ground state (0 for FPUT, N for Toda).</summary>
    protected virtual double GroundEnergy => 0;

    public abstract double Potential(ReadOnlySpan<double> q);

    /// <summary>−∇V(q) into <paramref name="force"/>.</summary>
    public abstract void Force(ReadOnlySpan<double> q, Span<double> force);

    public abstract Tensor Potential(Tensor q);

    public override double Invariant(ReadOnlySpan<double> s)
    {
        var kinetic = 0.0;
        foreach (var p in s[Particles..]) kinetic += 0.5 * p * p;
        return kinetic + Potential(s[..Particles]);
    }

    public override Tensor Invariant(Tensor s)
    {
        var q = s.Narrow(1, 0, Particles);
        var p = s.Narrow(1, Particles, Particles);
        return 0.5 * p.Square().Sum(1) + Potential(q);
    }

    public void Field(ReadOnlySpan<double> s, Span<double> ds)
    {
        s[Particles..].CopyTo(ds);
        Force(s[..Particles], ds[Particles..]);
    }

    /// <summary>A zero-mean direction (translation and total momentum removed), scaled to the set energy.</summary>
    public override double[] InitialState(Random random)
    {
        var direction = new double[Dimension];
        for (var i = 0; i < Dimension; i++) direction[i] = Gaussian(random);
        RemoveMean(direction.AsSpan(0, Particles));
        RemoveMean(direction.AsSpan(Particles));
        var target = GroundEnergy + Particles * energyPerParticle;
        double Energy(double scale) => Invariant(direction.Select(v => v * scale).ToArray());
        double lo = 0, hi = 1e-3;
        while (Energy(hi) < target)
        {
            hi *= 2;
            if (hi > 1e6) throw new InvalidOperationException($"no initial state of energy {target} along a random direction");
        }
        for (var i = 0; i < 200 && hi - lo > 1e-15 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Energy(mid) < target) lo = mid; else hi = mid;
        }
        return direction.Select(v => v * hi).ToArray();
    }

    private static void RemoveMean(Span<double> values)
    {
        var mean = 0.0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        for (var i = 0; i < values.Length; i++) values[i] -= mean;
    }
}
