using System.Runtime.InteropServices;

namespace Dashboard.Web.Components.Charts;

/// <summary>
/// How series travel to the browser: as raw little-endian bytes, which Blazor sends as binary (no JSON, no
/// base64, and NaN/Infinity survive). Values are Float64 (a diverging gain proxy overflows Float32); x is
/// Float32 when every x is a whole number below 2^24 (steps), else Float64 (wall times).
/// </summary>
public static class ChartPayload
{
    private const double Float32Exact = 1 << 24;

    /// <summary>32 when every value of <paramref name="xs"/> survives Float32 exactly as a whole number, else 64.</summary>
    public static int XBits(IEnumerable<IReadOnlyList<double>> xs)
    {
        foreach (var x in xs)
            foreach (var v in x)
                if (v != Math.Floor(v) || Math.Abs(v) >= Float32Exact) return 64;
        return 32;
    }

    public static byte[] Encode(IReadOnlyList<double> values, int bits)
    {
        if (bits == 32)
        {
            var singles = new float[values.Count];
            for (var i = 0; i < singles.Length; i++) singles[i] = (float)values[i];
            return MemoryMarshal.AsBytes(singles.AsSpan()).ToArray();
        }
        var doubles = values as double[] ?? [.. values];
        return MemoryMarshal.AsBytes(doubles.AsSpan()).ToArray();
    }

    /// <summary>A trace as charts.js's render takes it.</summary>
    public static object Trace(ChartTrace t, int xBits) => t.Fill is null && t.LineWidth is null && t.InLegend is null && t.Group is null && t.HoverText is null
        ? new { name = t.Name, mode = t.Mode, color = t.Color, x = Encode(t.X, xBits), y = Encode(t.Y, 64), xBits }
        : new
        {
            name = t.Name, mode = t.Mode, color = t.Color, x = Encode(t.X, xBits), y = Encode(t.Y, 64), xBits,
            fill = t.Fill, fillOpacity = t.FillOpacity, lineWidth = t.LineWidth, inLegend = t.InLegend, group = t.Group, text = t.HoverText,
        };
}
