namespace Dashboard.Families.Benchmarks;

internal sealed record BenchmarkOptions(string Device, string? Python, string? Reference, bool Quick, int? Steps, string? Family = null, string? ReferenceModes = null)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string device = "cpu";
        string? python = null, reference = null, family = null, referenceModes = null;
        int? steps = null;
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--device": device = args[++i]; break;
                case "--python": python = args[++i]; break;
                case "--reference": reference = args[++i]; break;
                case "--steps": steps = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--quick": quick = true; break;
                case "--family": family = args[++i]; break;
                case "--reference-modes": referenceModes = args[++i]; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return new BenchmarkOptions(device, python, reference, quick, steps, family, referenceModes);
    }
}
