using System.Diagnostics;
using System.Globalization;
using Dashboard.Domain.Scheduling;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// Finds out what the worker's device is (GPU name and memory), through nvidia-smi, so the queue only hands
/// it runs that fit. Asking nvidia-smi keeps start-up independent of libtorch.
/// </summary>
public static class DeviceProbe
{
    public static WorkerDevice Probe(string deviceName)
    {
        WorkerDevice.TryParseName(deviceName, out var kind, out var ordinal);
        if (kind == DeviceKind.Cpu) return WorkerDevice.Cpu;
        var line = Query(ordinal) ?? throw new InvalidOperationException(
            $"Device {deviceName} was asked for, but nvidia-smi could not describe GPU {ordinal}. Is the NVIDIA driver installed?");
        var parts = line.Split(',', StringSplitOptions.TrimEntries);
        var memory = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return new WorkerDevice(DeviceKind.Cuda, ordinal, memory, parts[0]);
    }

    private static string? Query(int ordinal)
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi",
                ["-i", ordinal.ToString(CultureInfo.InvariantCulture), "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
