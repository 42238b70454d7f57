namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// Hairer's DOP853: an explicit Runge–Kutta method of order 8 with embedded 5th- and 3rd-order error estimates
/// (12 stages; coefficients of Hairer, Nørsett and Wanner, "Solving ODEs I", 2nd ed.) and the standard step-size
/// controller. The reference integrator of the CR3BP and Toda data, float64 on the CPU; the seed used diffrax's
/// Dopri8 at rtol 1e-10, atol 1e-12. Steps are shortened to land exactly on each sample time, so no dense output is needed.
/// </summary>
public sealed class DormandPrince853(double relativeTolerance = 1e-10, double absoluteTolerance = 1e-12)
{
    /// <summary>ds/dt = f(s), written into the second argument.</summary>
    public delegate void Field(ReadOnlySpan<double> s, Span<double> ds);

    // The systems are autonomous, so the nodes c_i are not needed.
    // A[i][j]: stage i from stages j < i (only the nonzero entries of each row are given, at their columns).
    private static readonly (int Column, double Value)[][] A =
    [
        [],
        [(0, 5.26001519587677318785587544488e-2)],
        [(0, 1.97250569845378994544595329183e-2), (1, 5.91751709536136983633785987549e-2)],
        [(0, 2.95875854768068491816892993775e-2), (2, 8.87627564304205475450678981324e-2)],
        [(0, 2.41365134159266685502369798665e-1), (2, -8.84549479328286085344864962717e-1), (3, 9.24834003261792003115737966543e-1)],
        [(0, 3.7037037037037037037037037037e-2), (3, 1.70828608729473871279604482173e-1), (4, 1.25467687566822425016691814123e-1)],
        [(0, 3.7109375e-2), (3, 1.70252211019544039314978060272e-1), (4, 6.02165389804559606850219397283e-2), (5, -1.7578125e-2)],
        [(0, 3.70920001185047927108779319836e-2), (3, 1.70383925712239993810214054705e-1), (4, 1.07262030446373284651809199168e-1),
            (5, -1.53194377486244017527936158236e-2), (6, 8.27378916381402288758473766002e-3)],
        [(0, 6.24110958716075717114429577812e-1), (3, -3.36089262944694129406857109825), (4, -8.68219346841726006818189891453e-1),
            (5, 2.75920996994467083049415600797e1), (6, 2.01540675504778934086186788979e1), (7, -4.34898841810699588477366255144e1)],
        [(0, 4.77662536438264365890433908527e-1), (3, -2.48811461997166764192642586468), (4, -5.90290826836842996371446475743e-1),
            (5, 2.12300514481811942347288949897e1), (6, 1.52792336328824235832596922938e1), (7, -3.32882109689848629194453265587e1),
            (8, -2.03312017085086261358222928593e-2)],
        [(0, -9.3714243008598732571704021658e-1), (3, 5.18637242884406370830023853209), (4, 1.09143734899672957818500254654),
            (5, -8.14978701074692612513997267357), (6, -1.85200656599969598641566180701e1), (7, 2.27394870993505042818970056734e1),
            (8, 2.49360555267965238987089396762), (9, -3.0467644718982195003823669022)],
        [(0, 2.27331014751653820792359768449), (3, -1.05344954667372501984066689879e1), (4, -2.00087205822486249909675718444),
            (5, -1.79589318631187989172765950534e1), (6, 2.79488845294199600508499808837e1), (7, -2.85899827713502369474065508674),
            (8, -8.87285693353062954433549289258), (9, 1.23605671757943030647266201528e1), (10, 6.43392746015763530355970484046e-1)],
    ];

    // The 8th-order weights (stages 0, 5..11), the 5th-order error weights and the 3rd-order error weights.
    private static readonly double[] B =
    [
        5.42937341165687622380535766363e-2, 0, 0, 0, 0, 4.45031289275240888144113950566, 1.89151789931450038304281599044,
        -5.8012039600105847814672114227, 3.1116436695781989440891606237e-1, -1.52160949662516078556178806805e-1,
        2.01365400804030348374776537501e-1, 4.47106157277725905176885569043e-2,
    ];

    private static readonly double[] E5 =
    [
        0.1312004499419488073250102996e-01, 0, 0, 0, 0, -0.1225156446376204440720569753e+01, -0.4957589496572501915214079952,
        0.1664377182454986536961530415e+01, -0.3503288487499736816886487290, 0.3341791187130174790297318841,
        0.8192320648511571246570742613e-01, -0.2235530786388629525884427845e-01,
    ];

    // E3 = B − BHH at stages 0, 8, 11.
    private const double Bhh1 = 0.244094488188976377952755905512, Bhh2 = 0.733846688281611857341361741547, Bhh3 = 0.220588235294117647058823529412e-01;

    public double RelativeTolerance { get; } = relativeTolerance;
    public double AbsoluteTolerance { get; } = absoluteTolerance;

    /// <summary>Accepted steps of the last call to <see cref="Sample"/> (the work done).</summary>
    public long AcceptedSteps { get; private set; }

    /// <summary>The state at t = 0, dt, 2dt, …, (samples−1)·dt, row by row into <paramref name="output"/> (samples × n).</summary>
    public void Sample(Field f, ReadOnlySpan<double> s0, int samples, double dt, Span<double> output)
    {
        var n = s0.Length;
        var y = s0.ToArray();
        var k = new double[12][];
        for (var i = 0; i < 12; i++) k[i] = new double[n];
        var stage = new double[n];
        var next = new double[n];
        s0.CopyTo(output);
        var h = dt / 10;
        AcceptedSteps = 0;
        for (var sample = 1; sample < samples; sample++)
        {
            var remaining = dt;
            while (remaining > 1e-15 * dt)
            {
                var step = Math.Min(h, remaining);
                var error = Step(f, y, step, k, stage, next);
                if (error <= 1 || step < 1e-14)
                {
                    (y, next) = (next, y);
                    remaining -= step;
                    AcceptedSteps++;
                }
                if (!double.IsFinite(error)) throw new ArithmeticException("the reference integrator met a non-finite state");
                // Hairer's controller: h ← h·clamp(0.9·err^(−1/8), 1/3, 6); a step shortened to hit the sample does not set h.
                var factor = error == 0 ? 6 : Math.Clamp(0.9 * Math.Pow(error, -1.0 / 8), 1.0 / 3, 6);
                if (step == h || error > 1) h = step * factor;
            }
            y.CopyTo(output.Slice(sample * n, n));
        }
    }

    /// <summary>One step of size h from y into next; returns the scaled error norm (≤ 1: accept).</summary>
    private double Step(Field f, double[] y, double h, double[][] k, double[] stage, double[] next)
    {
        var n = y.Length;
        f(y, k[0]);
        for (var i = 1; i < 12; i++)
        {
            for (var d = 0; d < n; d++)
            {
                var sum = 0.0;
                foreach (var (column, value) in A[i]) sum += value * k[column][d];
                stage[d] = y[d] + h * sum;
            }
            f(stage, k[i]);
        }
        double err5 = 0, err3 = 0;
        for (var d = 0; d < n; d++)
        {
            double slope = 0, e5 = 0;
            for (var i = 0; i < 12; i++)
            {
                slope += B[i] * k[i][d];
                e5 += E5[i] * k[i][d];
            }
            next[d] = y[d] + h * slope;
            var e3 = slope - Bhh1 * k[0][d] - Bhh2 * k[8][d] - Bhh3 * k[11][d];
            var scale = AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(y[d]), Math.Abs(next[d]));
            err5 += (e5 / scale) * (e5 / scale);
            err3 += (e3 / scale) * (e3 / scale);
        }
        var denominator = err5 + 0.01 * err3;
        return denominator <= 0 ? 0 : Math.Abs(h) * err5 / Math.Sqrt(n * denominator);
    }
}
