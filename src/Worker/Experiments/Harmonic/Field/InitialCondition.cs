namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>The seed's four initial-condition families; trial k gets family k mod 4.</summary>
public enum InitialCondition
{
    Gaussian = 0,
    PlaneWave = 1,
    Spiral = 2,
    Random = 3,
}

public static class InitialConditions
{
    public static readonly IReadOnlyList<InitialCondition> All = Enum.GetValues<InitialCondition>();

    public static InitialCondition ForTrial(long trial) => (InitialCondition)(int)(trial % 4);

    /// <summary>The name used in metrics and the trials CSV.</summary>
    public static string Key(this InitialCondition family) => family switch
    {
        InitialCondition.Gaussian => "gaussian",
        InitialCondition.PlaneWave => "plane_wave",
        InitialCondition.Spiral => "spiral",
        InitialCondition.Random => "random",
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    /// <summary>
    /// A trial's field x over the lattice's nodes, normalised to mean 0 and (unbiased) std 1 as the seed does.
    /// <paramref name="randomised"/>: the corrected experiment's per-trial variety (random centre, direction,
    /// wavelength 0.3–0.7 of the side, phase, twist); otherwise the seed's fixed shapes, whose only randomness is the
    /// plane wave's direction and the random family's values. The random numbers come from <paramref name="random"/>
    /// (the seed's come from torch's generator at 42 + trial, which C# cannot replay bit for bit).
    /// </summary>
    public static double[] Field(Lattice lattice, InitialCondition family, bool randomised, Random random)
    {
        var n = lattice.Nodes;
        var x = new double[n];
        double cx = 0, cy = 0;
        for (var i = 0; i < n; i++)
        {
            var (px, py) = lattice.Position(i);
            cx += px;
            cy += py;
        }
        cx /= n;
        cy /= n;
        if (randomised && family != InitialCondition.PlaneWave)
        {
            cx = random.NextDouble() * (lattice.Side - 1);
            cy = random.NextDouble() * (lattice.Side - 1);
        }

        switch (family)
        {
            case InitialCondition.Gaussian:
            {
                var d = new double[n];
                for (var i = 0; i < n; i++)
                {
                    var (px, py) = lattice.Position(i);
                    d[i] = Math.Sqrt((px - cx) * (px - cx) + (py - cy) * (py - cy));
                }
                var width = randomised ? lattice.Side * (0.1 + 0.2 * random.NextDouble()) : UnbiasedStd(d);
                for (var i = 0; i < n; i++) x[i] = Math.Exp(-d[i] * d[i] / (width * width));
                break;
            }
            case InitialCondition.PlaneWave:
            {
                double ux = Normal(random), uy = Normal(random);
                var norm = Math.Sqrt(ux * ux + uy * uy);
                ux /= norm;
                uy /= norm;
                var s = new double[n];
                for (var i = 0; i < n; i++)
                {
                    var (px, py) = lattice.Position(i);
                    s[i] = px * ux + py * uy;
                }
                var span = s.Max() - s.Min();
                var wavelength = randomised ? lattice.Side * (0.3 + 0.4 * random.NextDouble()) : span;
                var phase = randomised ? 2 * Math.PI * random.NextDouble() : 0;
                for (var i = 0; i < n; i++) x[i] = Math.Sin(2 * Math.PI * s[i] / wavelength + phase);
                break;
            }
            case InitialCondition.Spiral:
            {
                var twist = randomised ? 0.2 + 0.6 * random.NextDouble() : 0.5;
                for (var i = 0; i < n; i++)
                {
                    var (px, py) = lattice.Position(i);
                    double rx = px - cx, ry = py - cy;
                    x[i] = Math.Sin(Math.Atan2(ry, rx) + twist * Math.Sqrt(rx * rx + ry * ry));
                }
                break;
            }
            case InitialCondition.Random:
                for (var i = 0; i < n; i++) x[i] = Normal(random);
                break;
        }

        var mean = x.Average();
        var std = UnbiasedStd(x);
        for (var i = 0; i < n; i++) x[i] = (x[i] - mean) / std;
        return x;
    }

    private static double UnbiasedStd(double[] values)
    {
        var mean = values.Average();
        var sum = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(sum / (values.Length - 1));
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
