using System.Runtime.InteropServices;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// Makes the worker's /proc files (environ with the connection string, mem, fd) readable by root only and the
/// worker untraceable: a command running as the worker's own account (a worker that is not root cannot switch)
/// could otherwise read the database password out of /proc/PPID/environ. Commands are unaffected: the kernel
/// resets the flag when they exec. The cost: the worker leaves no core dump and a debugger needs root.
/// </summary>
public static class ProcessPrivacy
{
    private const int PrSetDumpable = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>Returns whether it worked (false off Linux).</summary>
    public static bool HideFromSameAccount() => OperatingSystem.IsLinux() && prctl(PrSetDumpable, 0, 0, 0, 0) == 0;
}
