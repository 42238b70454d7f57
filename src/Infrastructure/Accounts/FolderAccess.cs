using System.Runtime.InteropServices;

namespace Dashboard.Infrastructure.Accounts;

/// <summary>
/// What a root process does so that an unprivileged operating-system account (the embedded PostgreSQL cluster's, or
/// the worker's run account) can use what root made: hand a file or folder over to the account, and, when the account
/// still cannot reach a folder, name the parent folder that blocks the way. Each caller words its own error.
/// </summary>
public static class FolderAccess
{
    /// <summary>
    /// Makes <paramref name="uid"/>:<paramref name="gid"/> the owner of <paramref name="path"/> (a symbolic link itself,
    /// not its target: lchown). False with the errno when the system refuses.
    /// </summary>
    public static bool TryHandOver(string path, uint uid, uint gid, out int errno)
    {
        if (lchown(path, uid, gid) == 0)
        {
            errno = 0;
            return true;
        }
        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    /// <summary>
    /// The nearest folder above <paramref name="path"/> that others cannot traverse (no o+x, as /root usually is), or
    /// null when there is none: the usual reason an unprivileged account cannot reach a folder under it.
    /// </summary>
    public static string? BlockingAncestor(string path) =>
        Ancestors(path).FirstOrDefault(d => !OperatingSystem.IsWindows() && (File.GetUnixFileMode(d) & UnixFileMode.OtherExecute) == 0);

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var dir = Path.GetDirectoryName(path); dir is not null; dir = Path.GetDirectoryName(dir))
            yield return dir;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown(string path, uint owner, uint group);
}
