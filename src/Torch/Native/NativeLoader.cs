using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dashboard.Torch.Native;

/// <summary>
/// Finds libdashtorch.so next to the assembly (or at $DASHTORCH_LIBRARY), loads it and checks
/// that it is the shim this assembly was written for, so that a stale or foreign build fails with
/// a message saying what to do instead of a missing-symbol crash somewhere later.
/// </summary>
internal static class NativeLoader
{
    private const string FileName = "libdashtorch.so";
    private static IntPtr s_handle;
    private static readonly Lock s_lock = new();

    // A library needs its resolver in place before its first P/Invoke, whoever the caller is.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library) return IntPtr.Zero;
        lock (s_lock)
        {
            if (s_handle == IntPtr.Zero) s_handle = Load();
            return s_handle;
        }
    }

    private static IEnumerable<string> Candidates()
    {
        var explicitPath = Environment.GetEnvironmentVariable("DASHTORCH_LIBRARY");
        if (!string.IsNullOrEmpty(explicitPath)) yield return explicitPath;
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        var assemblyDir = Path.GetDirectoryName(typeof(NativeLoader).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir)) yield return Path.Combine(assemblyDir, FileName);
    }

    private static unsafe IntPtr Load()
    {
        var tried = new List<string>();
        foreach (var path in Candidates().Distinct())
        {
            if (!File.Exists(path)) { tried.Add($"{path} (missing)"); continue; }
            IntPtr handle;
            try
            {
                handle = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                throw new TorchException(
                    $"Cannot load {path}: {e.Message}. It was probably built against another libtorch than the one " +
                    "on this machine; rebuild it with src/Torch/native/build.sh (or dotnet build).");
            }
            var abi = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "dt_abi_version");
            if (abi() != NativeMethods.AbiVersion)
                throw new TorchException(
                    $"{path} has ABI version {abi()}, this assembly needs {NativeMethods.AbiVersion}: the shim is stale. " +
                    "Rebuild it with src/Torch/native/build.sh (dotnet build does so automatically).");
            return handle;
        }
        throw new TorchException(
            "libdashtorch.so not found; tried " + string.Join(", ", tried) +
            ". Build it with `dotnet build src/Torch` (needs `apt-get install libtorch-dev`) or " +
            "src/Torch/native/build.sh, or set DASHTORCH_LIBRARY.");
    }
}
