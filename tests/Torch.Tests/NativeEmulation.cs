using System.Diagnostics;

namespace Dashboard.Torch.Tests;

/// <summary>
/// Builds and runs a program of native/ that compiles CUDA kernels' own source for the CPU (native/cuda_emulation.h: each
/// CUDA thread a std::thread) and holds them to a float64 reference: the kernels' indexing, masking and loop bounds
/// checked where CI has no GPU. The program exits 0 when every error is within its tolerance.
/// </summary>
internal static class NativeEmulation
{
    /// <summary>The program's output (one line per size it checked); fails the test if it does not build or exits non-zero.</summary>
    public static string Run(string source)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Dashboard.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no Dashboard.sln above the tests");
        var here = Path.Combine(root, "tests", "Torch.Tests", "native");
        var binary = Path.Combine(Path.GetTempPath(), $"{Path.GetFileNameWithoutExtension(source)}-{Guid.NewGuid():N}");
        try
        {
            var build = Execute("g++", "-std=c++20", "-O1", "-pthread", "-DDT_CUDA_EMULATION", $"-I{here}", $"-I{Path.Combine(root, "src", "Torch", "native")}",
                Path.Combine(here, source), "-o", binary);
            build.ExitCode.Should().Be(0, build.Output);
            var run = Execute(binary);
            run.ExitCode.Should().Be(0, run.Output);
            return run.Output;
        }
        finally
        {
            File.Delete(binary);
        }
    }

    private static (int ExitCode, string Output) Execute(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
