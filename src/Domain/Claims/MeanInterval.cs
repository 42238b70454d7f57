namespace Dashboard.Domain.Claims;

/// <summary>
/// A mean with its 95 % confidence interval from Student's t distribution (n − 1 degrees of freedom), the
/// usual statement for a handful of seeds; normal (1.96) beyond 120 degrees of freedom.
/// </summary>
public static class MeanInterval
{
    // Two-sided 95 % quantiles t(0.975, df) for df = 1..30, from the standard tables.
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    public static double TQuantile975(int degreesOfFreedom) => degreesOfFreedom switch
    {
        < 1 => double.NaN,
        <= 30 => T975[degreesOfFreedom - 1],
        <= 40 => 2.021,
        <= 60 => 2.000,
        <= 120 => 1.980,
        _ => 1.960,
    };

    /// <summary>The mean and the half-width of its 95 % interval (NaN for fewer than two values).</summary>
    public static (double Mean, double HalfWidth) Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        var mean = values.Average();
        if (values.Count < 2) return (mean, double.NaN);
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, TQuantile975(values.Count - 1) * Math.Sqrt(variance / values.Count));
    }
}
