using System.Globalization;

namespace Dashboard.Domain.Scheduling;

/// <summary>
/// Why a waiting run cannot start, when no worker could serve it: said on the overview, the run page and in
/// GET /api/runs/{id} instead of waiting silently. Null when some worker can serve it (it waits its turn).
/// </summary>
public static class WaitingReason
{
    /// <param name="workers">The devices of the workers in question: those online now, or every one ever registered.</param>
    public static string? For(DeviceRequirement need, IReadOnlyCollection<WorkerDevice> workers, string which = "online")
    {
        if (workers.Any(need.CanBeServedBy)) return null;
        if (workers.Count == 0) return which == "online" ? "no worker is online" : "no worker has ever registered";
        if (need.Kind == DeviceKind.Cpu) return $"no {which} worker runs on the CPU";
        var gpus = workers.Where(w => w.Kind == DeviceKind.Cuda).ToList();
        if (gpus.Count == 0) return $"no {which} worker has a CUDA device";
        var largest = gpus.Max(g => g.GpuMemoryMb);
        return string.Create(CultureInfo.InvariantCulture,
            $"needs {need.MinGpuMemoryMb:#,0} MiB; the largest {which} GPU has {largest:#,0}");
    }
}
