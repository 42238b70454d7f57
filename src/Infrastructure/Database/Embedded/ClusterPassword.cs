using System.Security.Cryptography;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// The superuser's password of an embedded cluster: 256 random bits, generated once and kept in the cluster's
/// folder in a file only the dashboard's own account may read (mode 0600, owned by this process's user, not by
/// the server's account). The server keeps only its SCRAM-SHA-256 verifier.
/// </summary>
internal static class ClusterPassword
{
    public const string FileName = "superuser.password";

    public static string PathIn(ClusterLayout layout) => Path.Combine(layout.Root, FileName);

    /// <summary>The kept password, or null when the cluster has none yet (new, or made before passwords).</summary>
    public static string? Read(ClusterLayout layout)
    {
        var path = PathIn(layout);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } password ? password : null;
    }

    /// <summary>Generates a password and keeps it (replacing one that may exist).</summary>
    public static string Create(ClusterLayout layout)
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        WritePrivate(PathIn(layout), password);
        return password;
    }

    /// <summary>Writes a file readable and writable by its owner only, from the moment it exists.</summary>
    public static void WritePrivate(string path, string text)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(path + ".tmp", options)) file.Write(text);
        File.Move(temporary, path, overwrite: true);
    }
}
