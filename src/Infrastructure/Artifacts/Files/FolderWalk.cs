using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Dashboard.Infrastructure.Artifacts.Files;

/// <summary>
/// The regular files below a folder, found without following links: each folder is opened with O_NOFOLLOW
/// relative to its parent and listed through its open handle, so nothing swapped in while we walk can lead
/// outside. Links, FIFOs, sockets, devices and other file systems' mount points are passed over with a reason;
/// the walk stops at the limits' file count, depth and time.
/// </summary>
public static class FolderWalk
{
    public sealed record Found(string Name, FileEntryStatus Status);

    /// <summary>
    /// Walks <paramref name="relativeFolder"/> under the trusted <paramref name="root"/>. Calls <paramref name="skipped"/>
    /// with a reason for every entry passed over. Returns nothing when the folder does not exist.
    /// </summary>
    public static IEnumerable<Found> RegularFiles(string root, string relativeFolder, RecordingLimits limits, Action<string> skipped)
    {
        SafeFileHandle folder;
        try
        {
            folder = OpenBelow(root, relativeFolder);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }
        using (folder)
        {
            var device = UnixFiles.StatHandle(folder).Device;
            var clock = Stopwatch.StartNew();
            var count = 0;
            foreach (var found in Walk(folder, "", 0, device, limits, clock, skipped))
            {
                if (++count > limits.MaxFiles)
                {
                    skipped($"more than {limits.MaxFiles} files: the rest were not recorded.");
                    yield break;
                }
                yield return found;
            }
        }
    }

    private static IEnumerable<Found> Walk(SafeFileHandle folder, string prefix, int depth, ulong device,
        RecordingLimits limits, Stopwatch clock, Action<string> skipped)
    {
        foreach (var name in Names(folder).Order(StringComparer.Ordinal))
        {
            if (clock.Elapsed > limits.MaxTime)
            {
                skipped($"recording took longer than {limits.MaxTime.TotalSeconds:0} s: '{prefix}{name}' and what follows were not recorded.");
                yield break;
            }
            var path = prefix + name;
            var status = UnixFiles.StatEntry(folder, name);
            if (status is null) continue; // removed while we looked
            if (status.Device != device)
            {
                skipped($"'{path}' is on another file system (a mount point); not recorded.");
                continue;
            }
            switch (status.Kind)
            {
                case FileEntryKind.Regular:
                    yield return new Found(path, status);
                    break;
                case FileEntryKind.Directory when depth + 1 >= limits.MaxDepth:
                    skipped($"'{path}/' is nested deeper than {limits.MaxDepth} folders; not recorded.");
                    break;
                case FileEntryKind.Directory:
                    SafeFileHandle? child = null;
                    try { child = UnixFiles.OpenDirectory(folder, name); }
                    catch (IOException e) { skipped($"'{path}/' could not be opened ({e.Message}); not recorded."); }
                    if (child is null) break;
                    using (child)
                        foreach (var found in Walk(child, path + "/", depth + 1, device, limits, clock, skipped))
                            yield return found;
                    break;
                default:
                    skipped($"'{path}' is {FileEntryStatus.Describe(status.Kind)}; only regular files are recorded.");
                    break;
            }
        }
    }

    /// <summary>The entries of an open folder, listed through /proc/self/fd so the listing is of that very folder.</summary>
    private static List<string> Names(SafeFileHandle folder)
    {
        var added = false;
        try
        {
            folder.DangerousAddRef(ref added);
            var path = $"/proc/self/fd/{(int)folder.DangerousGetHandle()}";
            return Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).OfType<string>().ToList();
        }
        finally
        {
            if (added) folder.DangerousRelease();
        }
    }

    /// <summary>Opens a folder below the trusted root, every component without following links.</summary>
    internal static SafeFileHandle OpenBelow(string root, string relativeFolder)
    {
        var folder = UnixFiles.OpenDirectory(null, root, followLinks: true);
        foreach (var part in relativeFolder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var next = UnixFiles.OpenDirectory(folder, part);
                folder.Dispose();
                folder = next;
            }
            catch
            {
                folder.Dispose();
                throw;
            }
        }
        return folder;
    }
}
