namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// The seed's nested tokamak Möbius strips (<c>SparseTokamakMobiusStrips._generate_strips</c>), in float64. Strip k's
/// centreline is a periodic cubic spline through 12 control points in spherical coordinates,
/// φᵢ = uᵢ + 0.08 sin(3uᵢ + kπ/4), θᵢ = π/2 + (0.2 + 0.05k) cos(2uᵢ + kπ/3), rᵢ = (1 − 0.04k)(1 + 0.03 sin(uᵢ + kπ/6));
/// each node adds a Miller D-shape offset (r_minor(1 + δ cos u), flipped on odd strips, and κ r_minor sin u vertically)
/// and turns by the half twist u/2 about the vertical axis. Nodes run strip by strip, u = linspace(0, 2π, n) with both ends.
/// </summary>
public sealed class TokamakStrips
{
    public const int ControlPoints = 12;

    private TokamakStrips(int strips, int nodesPerStrip, double[] positions)
    {
        Strips = strips;
        NodesPerStrip = nodesPerStrip;
        Positions = positions;
    }

    public int Strips { get; }
    public int NodesPerStrip { get; }
    public int Nodes => Strips * NodesPerStrip;

    /// <summary>x, y, z of node i at [3i], [3i + 1], [3i + 2].</summary>
    public double[] Positions { get; }

    public static TokamakStrips Build(int strips, int nodesPerStrip, double kappa, double delta, double minorRadius)
    {
        var positions = new double[3L * strips * nodesPerStrip];
        for (var k = 0; k < strips; k++)
        {
            var (theta, phi, r) = Centreline(k);
            var orientation = k % 2 == 0 ? 1.0 : -1.0;
            for (var j = 0; j < nodesPerStrip; j++)
            {
                var u = Parameter(j, nodesPerStrip);
                double thetaC = theta.Evaluate(u), phiC = phi.Evaluate(u), major = r.Evaluate(u);
                var rOffset = orientation * minorRadius * (1 + delta * Math.Cos(u));   // Miller D-shape, poloidal angle u
                var zOffset = kappa * minorRadius * Math.Sin(u);                      // not flipped by orientation (as the seed)
                var rTotal = major + rOffset;
                var azimuth = phiC + 0.5 * u;                                          // the 180° Möbius twist
                var at = 3L * (k * (long)nodesPerStrip + j);
                positions[at] = rTotal * Math.Sin(thetaC) * Math.Cos(azimuth);
                positions[at + 1] = rTotal * Math.Sin(thetaC) * Math.Sin(azimuth);
                positions[at + 2] = rTotal * Math.Cos(thetaC) + zOffset;
            }
        }
        return new TokamakStrips(strips, nodesPerStrip, positions);
    }

    /// <summary>u of node j: linspace(0, 2π, n), both ends included.</summary>
    public static double Parameter(int j, int nodesPerStrip) =>
        nodesPerStrip == 1 ? 0 : 2 * Math.PI * j / (nodesPerStrip - 1);

    /// <summary>Strip k's centreline splines θ(u), φ(u), r(u) (the first control point appended again at u = 2π).</summary>
    public static (PeriodicCubicSpline Theta, PeriodicCubicSpline Phi, PeriodicCubicSpline R) Centreline(int k)
    {
        var knots = new double[ControlPoints + 1];
        double[] theta = new double[ControlPoints + 1], phi = new double[ControlPoints + 1], r = new double[ControlPoints + 1];
        for (var i = 0; i <= ControlPoints; i++)
        {
            knots[i] = 2 * Math.PI * i / ControlPoints;   // linspace(0, 2π, 13)
            var u = 2 * Math.PI * (i % ControlPoints) / ControlPoints;
            phi[i] = u + 0.08 * Math.Sin(3 * u + k * Math.PI / 4);
            theta[i] = Math.PI / 2 + (0.2 + 0.05 * k) * Math.Cos(2 * u + k * Math.PI / 3);
            r[i] = (1.0 - k * 0.04) * (1 + 0.03 * Math.Sin(u + k * Math.PI / 6));
        }
        return (new PeriodicCubicSpline(knots, theta), new PeriodicCubicSpline(knots, phi), new PeriodicCubicSpline(knots, r));
    }
}
