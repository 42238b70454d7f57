using Npgsql;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// Makes a running cluster ask every connection for the superuser's password. A cluster made before passwords
/// (its pg_hba.conf trusts local connections) gets a password set while trust still lets us in, then the
/// password-only rules, reloaded at once.
/// </summary>
internal static class ClusterAuthentication
{
    /// <summary>Returns the password connections must give.</summary>
    public static async Task<string> EnsurePasswordRequiredAsync(ClusterLayout layout, ClusterAccount account, int port,
        string superUser, string? password, Action<string> log, CancellationToken ct)
    {
        var hba = Path.Combine(layout.ClusterDirectory, "pg_hba.conf");
        if (password is not null && File.Exists(hba) && await File.ReadAllTextAsync(hba, ct) == ClusterInitializer.HostBasedAuthentication)
            return password;

        log($"Securing '{layout.ClusterDirectory}': a generated password replaces trusted local connections.");
        password ??= ClusterPassword.Create(layout);
        var connectionString = EmbeddedPostgres.ConnectionStringFor(port, superUser, "postgres", password) + ";Pooling=false";
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            // The password is hex, so it needs no quoting; ALTER ROLE takes no parameters.
            await using (var alter = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; ALTER ROLE \"{superUser.Replace("\"", "\"\"")}\" PASSWORD '{password}'", connection))
                await alter.ExecuteNonQueryAsync(ct);
            await File.WriteAllTextAsync(hba, ClusterInitializer.HostBasedAuthentication, ct);
            account.Own(hba);
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync(ct);
        }
        return password;
    }
}
