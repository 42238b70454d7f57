namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>A trial's verdict: whether it shows a travelling wave, and its speed when it does.</summary>
public sealed record WaveVerdict(bool HasWave, double? Speed);

/// <summary>The two wave rules on the lag correlations c₁ … c_{L−1} (index 0 is lag 1).</summary>
public static class WaveDetection
{
    /// <summary>
    /// The seed's code: a wave when there are more than 5 lags and mean(c₁ … c₅) &gt; 0.3 (NaN compares false);
    /// speed = D̄ / (h + 1), h the first index with c &lt; 0.5, else L − 1.
    /// </summary>
    public static WaveVerdict AsRun(IReadOnlyList<double> correlations, double meanDistance)
    {
        if (correlations.Count <= 5) return new(false, null);
        var early = correlations.Take(5).Average();
        if (!(early > 0.3)) return new(false, null);
        var h = correlations.Count;
        for (var i = 0; i < correlations.Count; i++)
            if (correlations[i] < 0.5) { h = i; break; }
        return new(true, meanDistance / (h + 1));
    }

    /// <summary>
    /// The author's later fix: NaN correlations dropped; a wave when mean_early = mean(first 5) &gt; 0.5, mean_early &gt;
    /// 1.5 · mean(last 5), and the correlations' unbiased variance &lt; 0.15; speed = D̄ / (h + 1) with h the first index
    /// where c &lt; 0.5 · mean_early, or D̄ / 10 when that is index 0 or never happens.
    /// </summary>
    public static WaveVerdict Corrected(IReadOnlyList<double> correlations, double meanDistance)
    {
        var c = correlations.Where(double.IsFinite).ToArray();
        if (c.Length < 2) return new(false, null);
        var early = c.Take(5).Average();
        var late = c.Skip(Math.Max(0, c.Length - 5)).Average();
        var mean = c.Average();
        var variance = c.Sum(v => (v - mean) * (v - mean)) / (c.Length - 1);
        if (!(early > 0.5 && early > 1.5 * late && variance < 0.15)) return new(false, null);
        var h = Array.FindIndex(c, v => v < 0.5 * early);
        return new(true, h > 0 ? meanDistance / (h + 1) : meanDistance / 10);
    }
}
