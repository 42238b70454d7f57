using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Dashboard.Infrastructure.Artifacts.Files;

/// <summary>
/// openat(2) and statx(2), which .NET does not expose: opening a path one folder at a time with O_NOFOLLOW is
/// the only way to be sure no component is a symbolic link (a check-then-open leaves a window to swap one in).
/// statx's layout is the same on every architecture; the open flags are not, so they are picked per architecture.
/// </summary>
internal static class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const int Eloop = 40;
    private const int Enotdir = 20;
    private const int Enoent = 2;

    private const int ReadOnly = 0;
    private const int WriteOnly = 1;
    private const int Create = 0x40;
    private const int Append = 0x400;
    private const int NonBlock = 0x800; // a FIFO opened for reading must never wait for a writer
    private const int CloseOnExec = 0x80000;
    private static readonly (int Directory, int NoFollow) ArchFlags = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => (0x10000, 0x20000),
        Architecture.Arm64 or Architecture.Arm => (0x4000, 0x8000),
        var other => throw new PlatformNotSupportedException($"The artifact store does not know the open(2) flags of {other}."),
    };

    [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static extern int OpenAt(int directory, string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, string path, int flags, uint mask, byte[] buffer);

    /// <summary>Opens a folder; <paramref name="parent"/> null means <paramref name="name"/> is a full path (trusted: the store's root).</summary>
    public static SafeFileHandle OpenDirectory(SafeFileHandle? parent, string name, bool followLinks = false)
    {
        var flags = ReadOnly | CloseOnExec | ArchFlags.Directory | (followLinks ? 0 : ArchFlags.NoFollow);
        return Open(parent, name, flags);
    }

    /// <summary>Opens a file for reading without following a link at its last component (and without blocking on a FIFO).</summary>
    public static SafeFileHandle OpenFile(SafeFileHandle parent, string name) =>
        Open(parent, name, ReadOnly | CloseOnExec | NonBlock | ArchFlags.NoFollow);

    /// <summary>Opens (creating, mode 0644) a file for appending without following a link at its last component.</summary>
    public static SafeFileHandle OpenAppend(SafeFileHandle parent, string name) =>
        Open(parent, name, WriteOnly | Create | Append | CloseOnExec | NonBlock | ArchFlags.NoFollow, 0x1a4);

    private static SafeFileHandle Open(SafeFileHandle? parent, string name, int flags, int mode = 0)
    {
        var added = false;
        try
        {
            parent?.DangerousAddRef(ref added);
            var fd = OpenAt(parent is null ? AtFdCwd : (int)parent.DangerousGetHandle(), name, flags, mode);
            if (fd < 0) throw Failure(Marshal.GetLastPInvokeError(), name);
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            if (added) parent!.DangerousRelease();
        }
    }

    /// <summary>What an entry of <paramref name="parent"/> is, never following a link; null when it vanished.</summary>
    public static FileEntryStatus? StatEntry(SafeFileHandle parent, string name) => Stat(parent, name, AtSymlinkNoFollow);

    /// <summary>What an open handle is.</summary>
    public static FileEntryStatus StatHandle(SafeFileHandle handle) =>
        Stat(handle, "", AtEmptyPath) ?? throw new IOException("statx on an open file failed");

    private static FileEntryStatus? Stat(SafeFileHandle directory, string name, int flags)
    {
        var buffer = new byte[StatxSize];
        var added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            if (Statx((int)directory.DangerousGetHandle(), name, flags, StatxBasicStats, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Enoent) return null;
                throw Failure(errno, name);
            }
        }
        finally
        {
            if (added) directory.DangerousRelease();
        }
        var span = buffer.AsSpan();
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        return new FileEntryStatus(
            Kind: FileEntryStatus.KindOf(mode),
            SizeBytes: (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]),
            LinkCount: BinaryPrimitives.ReadUInt32LittleEndian(span[16..]),
            ModifiedUtc: DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(span[112..]))
                .AddTicks(BinaryPrimitives.ReadUInt32LittleEndian(span[120..]) / 100),
            Device: ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]));
    }

    private static IOException Failure(int errno, string name) => errno switch
    {
        // O_NOFOLLOW on a link answers ELOOP; O_DIRECTORY on a non-folder ENOTDIR.
        Eloop => new LinkRefusedException($"'{name}' is a symbolic link; links are never followed."),
        Enotdir => new LinkRefusedException($"'{name}' is not a folder (or is a link to one); links are never followed."),
        Enoent => new FileNotFoundException($"'{name}' does not exist.", name),
        _ => new IOException($"'{name}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"),
    };
}

/// <summary>A path component was a link (or not the kind of entry expected): refused, never followed.</summary>
public sealed class LinkRefusedException(string message) : IOException(message);
