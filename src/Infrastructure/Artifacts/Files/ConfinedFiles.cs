using Microsoft.Win32.SafeHandles;

namespace Dashboard.Infrastructure.Artifacts.Files;

/// <summary>
/// Opens files below a trusted root without following any link: every folder on the way is opened with
/// O_NOFOLLOW relative to the one before, and the file itself must be a regular file. So a run that replaces
/// a folder or file of its own with a link to the dashboard's secrets gets "refused", never their bytes.
/// </summary>
public static class ConfinedFiles
{
    /// <summary>
    /// A read-only stream over <paramref name="relativePath"/> ('/'-separated, no '.' or '..') under
    /// <paramref name="root"/>; null when it does not exist. Throws <see cref="LinkRefusedException"/> for a link
    /// anywhere on the path or an entry that is not a regular file.
    /// </summary>
    public static FileStream? OpenRead(string root, string relativePath, bool shareWrite = false)
    {
        var parts = relativePath.Split('/');
        if (parts.Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"'{relativePath}' is not a plain relative path.", nameof(relativePath));
        SafeFileHandle? folder = null;
        try
        {
            folder = UnixFiles.OpenDirectory(null, root, followLinks: true);
            foreach (var part in parts[..^1])
            {
                var next = UnixFiles.OpenDirectory(folder, part);
                folder.Dispose();
                folder = next;
            }
            // Checked before opening, so a device or FIFO is never opened at all (opening one can have effects)…
            var entry = UnixFiles.StatEntry(folder, parts[^1]);
            if (entry is null) return null;
            if (entry.Kind != FileEntryKind.Regular)
                throw new LinkRefusedException($"'{relativePath}' is {FileEntryStatus.Describe(entry.Kind)}, not a regular file.");
            var handle = UnixFiles.OpenFile(folder, parts[^1]);
            // …and again after, on the handle, for an entry swapped in between.
            if (UnixFiles.StatHandle(handle).Kind != FileEntryKind.Regular)
            {
                handle.Dispose();
                throw new LinkRefusedException($"'{relativePath}' changed into something other than a regular file.");
            }
            return new FileStream(handle, FileAccess.Read, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        finally
        {
            folder?.Dispose();
        }
    }

    /// <summary>
    /// A stream appending to <paramref name="relativePath"/> under <paramref name="root"/> (created when missing), with
    /// no link followed on the way: the worker's own log must not be redirected into another file by a run.
    /// </summary>
    public static FileStream OpenAppend(string root, string relativePath)
    {
        var slash = relativePath.LastIndexOf('/');
        using var folder = FolderWalk.OpenBelow(root, slash < 0 ? "" : relativePath[..slash]);
        var handle = UnixFiles.OpenAppend(folder, relativePath[(slash + 1)..]);
        if (UnixFiles.StatHandle(handle).Kind != FileEntryKind.Regular)
        {
            handle.Dispose();
            throw new LinkRefusedException($"'{relativePath}' is not a regular file.");
        }
        return new FileStream(handle, FileAccess.Write, 1 << 14);
    }
}
