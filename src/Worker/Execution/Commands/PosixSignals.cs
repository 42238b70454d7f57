using System.Runtime.InteropServices;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// kill(2), which .NET does not expose: <see cref="System.Diagnostics.Process.Kill(bool)"/> can only SIGKILL, and
/// only processes it can still find as descendants, while a graceful stop needs SIGTERM sent to a whole process group.
/// </summary>
internal static class PosixSignals
{
    public const int Probe = 0;
    public const int Kill = 9;
    public const int Terminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="groupId"/>; false when the group has none.</summary>
    public static bool SendToGroup(int groupId, int signal) => SysKill(-groupId, signal) == 0;

    public static bool SendToProcess(int processId, int signal) => SysKill(processId, signal) == 0;
}
