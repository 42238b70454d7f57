using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Torch.Tests;

/// <summary>
/// Runs a Python snippet under Debian's python3-torch (/usr/bin/python3) as a numerical oracle.
/// The snippet reads `inp` (a dict decoded from JSON; tensors are {"shape", "data"} objects that
/// T() turns into float64 tensors) and sets `out` (a dict; tensors go through J()).
/// Doubles travel as shortest round-trip decimal text, so no precision is lost either way.
/// </summary>
internal static class PyTorchOracle
{
    private const string Python = "/usr/bin/python3";

    private const string Prelude = """
        import json, sys, math
        import torch
        torch.set_default_dtype(torch.float64)
        def T(o, dtype=torch.float64):
            return torch.tensor(o["data"], dtype=dtype).reshape(o["shape"])
        def J(t):
            t = t.detach().to(torch.float64).contiguous()
            return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}
        inp = json.loads(sys.stdin.read())
        out = {}
        """;

    public static JsonObject Run(string script, JsonObject input)
    {
        var code = Prelude + "\n" + script + "\nprint(json.dumps(out))\n";
        var psi = new ProcessStartInfo(Python, ["-c", code])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"PyTorch oracle needs {Python} with torch (apt-get install python3-torch): {e.Message}");
        }
        using (process)
        {
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            var stderrTask = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input.ToJsonString());
            process.StandardInput.Close();
            process.WaitForExit();
            var stdout = stdoutTask.Result;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"oracle failed ({process.ExitCode}): {stderrTask.Result}");
            return JsonNode.Parse(stdout)!.AsObject();
        }
    }

    public static JsonObject ToJson(Tensor t)
    {
        var data = new JsonArray();
        foreach (var v in t.ToArray<double>()) data.Add(JsonValue.Create(v));
        return new JsonObject { ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)s).ToArray()), ["data"] = data };
    }

    public static JsonObject ToJson(IEnumerable<(string Name, Tensor Tensor)> named)
    {
        var o = new JsonObject();
        foreach (var (name, t) in named) o[name] = ToJson(t);
        return o;
    }

    public static double[] Data(JsonNode node) => node["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    /// <summary>Asserts |a - e| ≤ rtol·|e| + atol element by element.</summary>
    public static void ShouldMatch(Tensor actual, JsonNode expected, double rtol = 1e-6, double atol = 1e-9, string what = "")
    {
        var a = actual.ToArray<double>();
        var e = Data(expected);
        a.Length.Should().Be(e.Length, what);
        var worst = new StringBuilder();
        for (var i = 0; i < a.Length; i++)
        {
            if (Math.Abs(a[i] - e[i]) > rtol * Math.Abs(e[i]) + atol)
                worst.Append(CultureInfo.InvariantCulture, $"[{i}] {a[i]:R} vs {e[i]:R}; ");
            if (worst.Length > 400) break;
        }
        worst.ToString().Should().BeEmpty($"{what} should match PyTorch");
    }
}
