namespace Dashboard.Infrastructure.Artifacts.Files;

public enum FileEntryKind { Regular, Directory, SymbolicLink, Fifo, Socket, CharacterDevice, BlockDevice, Unknown }

/// <summary>An entry as lstat sees it: its own kind, never its link target's.</summary>
public sealed record FileEntryStatus(FileEntryKind Kind, long SizeBytes, uint LinkCount, DateTimeOffset ModifiedUtc, ulong Device)
{
    internal static FileEntryKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileEntryKind.Regular,
        0x4000 => FileEntryKind.Directory,
        0xA000 => FileEntryKind.SymbolicLink,
        0x1000 => FileEntryKind.Fifo,
        0xC000 => FileEntryKind.Socket,
        0x2000 => FileEntryKind.CharacterDevice,
        0x6000 => FileEntryKind.BlockDevice,
        _ => FileEntryKind.Unknown,
    };

    /// <summary>How the run log names a kind of entry that is not recorded.</summary>
    public static string Describe(FileEntryKind kind) => kind switch
    {
        FileEntryKind.SymbolicLink => "a symbolic link",
        FileEntryKind.Fifo => "a FIFO (named pipe)",
        FileEntryKind.Socket => "a socket",
        FileEntryKind.CharacterDevice => "a character device",
        FileEntryKind.BlockDevice => "a block device",
        FileEntryKind.Directory => "a folder",
        FileEntryKind.Regular => "a regular file",
        _ => "a special file",
    };
}
