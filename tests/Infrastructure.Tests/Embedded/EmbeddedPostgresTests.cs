using System.Net.Sockets;
using Dashboard.Infrastructure.Database.Embedded;
using Npgsql;

namespace Dashboard.Infrastructure.Tests.Embedded;

/// <summary>The product's own default database: a real cluster in a temp folder, started and stopped as users would.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "embedded-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private EmbeddedPostgresOptions Options => new(_folder) { Fsync = false };

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Data_is_intact_across_a_stop_and_a_start()
    {
        await using (var first = await EmbeddedPostgres.StartAsync(Options))
        {
            await ScalarAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')");
        }
        await using var second = await EmbeddedPostgres.StartAsync(Options);
        (await ScalarAsync(second.ConnectionString, "SELECT v FROM kept")).Should().Be("hello");
    }

    [Fact]
    public async Task It_listens_on_loopback_and_a_private_socket_only_and_the_port_closes_at_stop()
    {
        var server = await EmbeddedPostgres.StartAsync(Options);
        (await ScalarAsync(server.ConnectionString, "SHOW listen_addresses")).Should().Be("127.0.0.1");
        (await ScalarAsync(server.ConnectionString, "SHOW unix_socket_directories") as string).Should().StartWith(_folder);
        await server.DisposeAsync();

        using var client = new TcpClient();
        var connect = async () => await client.ConnectAsync("127.0.0.1", server.Port);
        await connect.Should().ThrowAsync<SocketException>();
    }

    [Fact]
    public async Task Missing_binaries_give_an_error_naming_the_install_command()
    {
        var act = () => EmbeddedPostgres.StartAsync(Options with { BinDirectory = Path.Combine(_folder, "no-such-bin") });
        (await act.Should().ThrowAsync<PostgresBinariesNotFoundException>()).WithMessage("*apt-get install postgresql*");
    }

    [Fact]
    public async Task A_server_left_running_by_a_killed_process_is_adopted()
    {
        var first = await EmbeddedPostgres.StartAsync(Options);
        // No stop: as if the process that started it was killed.
        await using var second = await EmbeddedPostgres.StartAsync(Options);
        second.Port.Should().Be(first.Port);
        (await ScalarAsync(second.ConnectionString, "SELECT 1")).Should().Be(1);
    }

    [Fact]
    public async Task A_connection_without_the_generated_password_is_refused()
    {
        await using var server = await EmbeddedPostgres.StartAsync(Options);
        var given = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        given.Password.Should().MatchRegex("^[0-9a-f]{64}$");
        (await ScalarAsync(server.ConnectionString, "SELECT 1")).Should().Be(1);

        foreach (var password in new string?[] { null, "", "wrong" })
        {
            var attempt = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = password, Pooling = false };
            var connect = () => ScalarAsync(attempt.ConnectionString, "SELECT 1");
            await connect.Should().ThrowAsync<NpgsqlException>($"a password of '{password}' must not get in");
        }
        (await ScalarAsync(server.ConnectionString, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'"))
            .Should().Be(0L, "no rule trusts anyone");

        var file = Path.Combine(_folder, "superuser.password");
        (await File.ReadAllTextAsync(file)).Should().Be(given.Password);
        File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        new FileInfo(file).UnixFileMode.Should().NotHaveFlag(UnixFileMode.OtherRead);
    }

    [Fact]
    public async Task A_cluster_made_before_passwords_is_secured_at_its_next_start_and_keeps_its_data()
    {
        await using (var first = await EmbeddedPostgres.StartAsync(Options))
        {
            await ScalarAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')");
            // Back to how clusters were made before: trust everywhere, no password, no password file.
            await ScalarAsync(first.ConnectionString, "ALTER ROLE postgres PASSWORD NULL");
            await File.WriteAllTextAsync(Path.Combine(_folder, "pgdata", "pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
            await ScalarAsync(first.ConnectionString, "SELECT pg_reload_conf()");
            File.Delete(Path.Combine(_folder, "superuser.password"));
        }
        await using var second = await EmbeddedPostgres.StartAsync(Options);
        (await ScalarAsync(second.ConnectionString, "SELECT v FROM kept")).Should().Be("hello");
        var without = new NpgsqlConnectionStringBuilder(second.ConnectionString) { Password = null, Pooling = false };
        var connect = () => ScalarAsync(without.ConnectionString, "SELECT 1");
        await connect.Should().ThrowAsync<NpgsqlException>();
    }
}
