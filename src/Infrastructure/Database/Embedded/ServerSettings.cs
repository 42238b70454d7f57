using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// Writes <c>embedded.conf</c>, the settings file included by the cluster's postgresql.conf, before
/// every start: the port may change from one start to the next, and the socket folder follows the
/// data folder if it moves.
/// </summary>
internal static partial class ServerSettings
{
    // Linux's sun_path holds 107 bytes; the socket's own name, ".s.PGSQL.<port>", takes up to 15 more.
    const int MaxSocketDirectoryLength = 107 - 16;

    /// <summary>Writes the file; returns whether the unix socket is enabled.</summary>
    public static async Task<bool> WriteAsync(
        ClusterLayout layout, ClusterAccount account, int port, EmbeddedPostgresOptions options, CancellationToken ct)
    {
        var socket = Encoding.UTF8.GetByteCount(layout.SocketDirectory) <= MaxSocketDirectoryLength;
        var settings = new List<(string Name, string Value)>
        {
            // Loopback only; and every connection must give the password (see pg_hba.conf).
            ("listen_addresses", "127.0.0.1"),
            ("port", port.ToString(CultureInfo.InvariantCulture)),
            // Inside the data folder rather than /var/run/postgresql: no root-owned folder needed,
            // and two clusters on one machine never share a socket lock file.
            ("unix_socket_directories", socket ? layout.SocketDirectory : ""),
            ("unix_socket_permissions", "0700"),
        };
        if (!options.Fsync)
            settings.AddRange([("fsync", "off"), ("synchronous_commit", "off"), ("full_page_writes", "off")]);
        foreach (var (name, value) in options.Settings)
        {
            if (!SettingName().IsMatch(name)) throw new ArgumentException($"'{name}' is not a PostgreSQL setting name.", nameof(options));
            settings.Add((name, value));
        }

        var text = new StringBuilder("# Rewritten by the dashboard's embedded PostgreSQL at every start; edits here are lost.\n");
        foreach (var (name, value) in settings) text.Append(name).Append(" = ").Append(Quote(value)).Append('\n');
        await File.WriteAllTextAsync(layout.SettingsFile, text.ToString(), ct);
        account.Own(layout.SettingsFile);
        return socket;
    }

    static string Quote(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";

    [GeneratedRegex("^[a-z_][a-z0-9_.]*$")]
    private static partial Regex SettingName();
}
