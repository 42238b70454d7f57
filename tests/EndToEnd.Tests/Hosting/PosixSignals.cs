using System.Runtime.InteropServices;

namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>kill(2): .NET can only SIGKILL its own descendants, while stopping the product needs SIGTERM to a process group.</summary>
internal static class PosixSignals
{
    public const int Probe = 0;
    public const int Kill = 9;
    public const int Quit = 3;
    public const int Terminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Signals every process of group <paramref name="groupId"/>; false when the group has none left.</summary>
    public static bool SendToGroup(int groupId, int signal) => groupId > 1 && SysKill(-groupId, signal) == 0;

    public static bool SendToProcess(int processId, int signal) => processId > 1 && SysKill(processId, signal) == 0;

    public static bool IsAlive(int processId) => SendToProcess(processId, Probe) && !IsZombie(processId);

    private static bool IsZombie(int processId) =>
        ProcessTable.Stat(processId) is { State: 'Z' or 'X' };
}
