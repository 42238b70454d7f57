using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>The folder of the PostgreSQL server programs this machine has installed.</summary>
public sealed record PostgresBinaries(string BinDirectory)
{
    /// <summary>Debian and Ubuntu install each major version side by side under here.</summary>
    public const string DebianVersionsRoot = "/usr/lib/postgresql";

    public const string InstallHint = "Install the PostgreSQL server with `apt-get install postgresql` (Debian/Ubuntu), " +
        "or set EmbeddedPostgresOptions.BinDirectory to the folder holding initdb, pg_ctl and postgres.";

    static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];

    public string InitDb => Path.Combine(BinDirectory, "initdb");
    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");
    public string Postgres => Path.Combine(BinDirectory, "postgres");

    /// <summary>
    /// The configured folder when given (and only it: a wrong setting should fail, not silently
    /// pick another version), else the highest Debian versioned folder, else what pg_config
    /// reports, else the folder of a pg_ctl on PATH.
    /// </summary>
    /// <exception cref="PostgresBinariesNotFoundException">No folder holds all three programs.</exception>
    public static PostgresBinaries Locate(string? binDirectory = null, string versionsRoot = DebianVersionsRoot)
    {
        if (binDirectory is not null)
        {
            var full = Path.GetFullPath(binDirectory);
            var missing = Programs.Where(p => !File.Exists(Path.Combine(full, p))).ToList();
            if (missing.Count == 0) return new PostgresBinaries(full);
            throw new PostgresBinariesNotFoundException(
                $"PostgreSQL server binaries not found in the configured BinDirectory '{full}' " +
                $"(missing: {string.Join(", ", missing)}). {InstallHint}");
        }

        var looked = new List<string>();
        foreach (var candidate in Candidates(versionsRoot))
        {
            looked.Add(candidate);
            if (Programs.All(p => File.Exists(Path.Combine(candidate, p)))) return new PostgresBinaries(candidate);
        }
        var where = looked.Count == 0 ? $"{versionsRoot}/<version>/bin, pg_config --bindir, PATH" : string.Join(", ", looked.Distinct());
        throw new PostgresBinariesNotFoundException(
            $"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; looked in: {where}. {InstallHint}");
    }

    static IEnumerable<string> Candidates(string versionsRoot)
    {
        if (Directory.Exists(versionsRoot))
        {
            var versions = Directory.EnumerateDirectories(versionsRoot)
                .Select(dir => (dir, version: ParseVersion(Path.GetFileName(dir))))
                .Where(v => v.version is not null)
                .OrderByDescending(v => v.version);
            foreach (var (dir, _) in versions) yield return Path.Combine(dir, "bin");
        }
        if (PgConfigBinDirectory() is { } fromPgConfig) yield return fromPgConfig;
        if (OnPath("pg_ctl") is { } fromPath) yield return fromPath;
    }

    // Folder names are "15", "16" or, for old releases, "9.6": compare them as numbers, not text.
    static decimal? ParseVersion(string name) =>
        decimal.TryParse(name, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : null;

    static string? PgConfigBinDirectory()
    {
        var pgConfig = OnPath("pg_config") is { } dir ? Path.Combine(dir, "pg_config") : null;
        if (pgConfig is null) return null;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(pgConfig, "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, program)));
}
