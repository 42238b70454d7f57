namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// An interpolating cubic spline with periodic end conditions (scipy's <c>CubicSpline(…, bc_type='periodic')</c>), in
/// float64: S, S′ and S″ are continuous everywhere, across the seam x₀ = x_m too. The last value must equal the first.
/// The second derivatives Mᵢ solve the cyclic tridiagonal system
/// h_{i−1}M_{i−1} + 2(h_{i−1} + hᵢ)Mᵢ + hᵢM_{i+1} = 6[(y_{i+1} − yᵢ)/hᵢ − (yᵢ − y_{i−1})/h_{i−1}], indices mod m.
/// </summary>
public sealed class PeriodicCubicSpline
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _m;   // S″ at each knot, m + 1 of them (the last equals the first)

    public PeriodicCubicSpline(double[] knots, double[] values)
    {
        if (knots.Length != values.Length || knots.Length < 3)
            throw new ArgumentException("a periodic spline needs at least 3 knots and one value per knot");
        if (values[^1] != values[0])
            throw new ArgumentException("periodic end condition: the last value must equal the first");
        _x = (double[])knots.Clone();
        _y = (double[])values.Clone();
        var m = knots.Length - 1;   // distinct knots on the circle
        double H(int i) => _x[i + 1] - _x[i];
        double Y(int i) => _y[((i % m) + m) % m];
        var a = new double[m, m];
        var b = new double[m];
        for (var i = 0; i < m; i++)
        {
            var hPrev = H((i - 1 + m) % m);
            var h = H(i);
            a[i, (i - 1 + m) % m] += hPrev;
            a[i, i] += 2 * (hPrev + h);
            a[i, (i + 1) % m] += h;
            b[i] = 6 * ((Y(i + 1) - Y(i)) / h - (Y(i) - Y(i - 1)) / hPrev);
        }
        var solution = Solve(a, b);
        _m = new double[m + 1];
        Array.Copy(solution, _m, m);
        _m[m] = _m[0];
    }

    /// <summary>S(x) (order 0), S′(x) (1) or S″(x) (2), for x in [x₀, x_m].</summary>
    public double Evaluate(double x, int derivative = 0)
    {
        var i = Array.BinarySearch(_x, x);
        if (i < 0) i = ~i - 1;
        i = Math.Clamp(i, 0, _x.Length - 2);
        double h = _x[i + 1] - _x[i], left = _x[i + 1] - x, right = x - _x[i];
        double mi = _m[i], mj = _m[i + 1], yi = _y[i], yj = _y[i + 1];
        return derivative switch
        {
            0 => mi * left * left * left / (6 * h) + mj * right * right * right / (6 * h)
                 + (yi / h - mi * h / 6) * left + (yj / h - mj * h / 6) * right,
            1 => -mi * left * left / (2 * h) + mj * right * right / (2 * h) - (yi / h - mi * h / 6) + (yj / h - mj * h / 6),
            2 => mi * left / h + mj * right / h,
            _ => throw new ArgumentOutOfRangeException(nameof(derivative)),
        };
    }

    /// <summary>Gaussian elimination with partial pivoting; the system is small (one row per control point).</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (pivot != col)
            {
                for (var c = 0; c < n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (var r = col + 1; r < n; r++)
            {
                var f = a[r, col] / a[col, col];
                if (f == 0) continue;
                for (var c = col; c < n; c++) a[r, c] -= f * a[col, c];
                b[r] -= f * b[col];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = b[r];
            for (var c = r + 1; c < n; c++) s -= a[r, c] * x[c];
            x[r] = s / a[r, r];
        }
        return x;
    }
}
