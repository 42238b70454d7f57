using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

/// <summary>
/// A root worker runs commands as the unprivileged run account: the dashboard's secrets — files only the
/// dashboard's user may read, its environment with the database password — are out of the command's reach,
/// while the command can still write its own output folder.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CommandAccountTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dashboard-data-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task A_command_of_a_root_worker_cannot_read_the_dashboards_secrets()
    {
        if (!Environment.IsPrivilegedProcess) return; // only a root worker switches accounts; CI and ./scripts/start run as root
        var account = RunAccount.ForThisWorker(null, _ => { })!;
        account.Name.Should().Be(RunAccount.DefaultName);

        // The data folder as the web app lays it out: traversable, its secrets for the dashboard's user only.
        File.SetUnixFileMode(_data.FullName, (UnixFileMode)0b111_101_101);
        var admin = Path.Join(_data.FullName, "first-admin.txt");
        File.WriteAllText(admin, "admin hunter2");
        File.SetUnixFileMode(admin, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var keys = Directory.CreateDirectory(Path.Join(_data.FullName, "keys"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Join(keys.FullName, "key-1.xml"), "<key/>");
        var password = Path.Join(_data.FullName, "postgres", "superuser.password");
        Directory.CreateDirectory(Path.GetDirectoryName(password)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(password, "s3cret");
        File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Environment.SetEnvironmentVariable("ConnectionStrings__Dashboard", "Host=127.0.0.1;Password=s3cret");
        try
        {
            using var run = CommandRun.Of($$"""
                id -un
                cat '{{admin}}' || echo "no admin file"
                ls '{{keys.FullName}}' || echo "no keys"
                cat '{{password}}' || echo "no password"
                tr '\0' '\n' < /proc/{{Environment.ProcessId}}/environ || echo "no worker environment"
                echo "conn=${ConnectionStrings__Dashboard:-unset}"
                echo written > "$DASHBOARD_OUTPUT_DIR/out.txt" && echo "output folder writable"
                """);
            // The run's folder sits in the artifacts store, which the run account can traverse.
            File.SetUnixFileMode(run.Folder.FullName, (UnixFileMode)0b111_101_101);
            var outcome = await run.ExecuteAsync(new CommandExecutor(new CommandExecutorOptions { RunAccount = account }));

            outcome.Kind.Should().Be(RunOutcomeKind.Succeeded);
            var stdout = run.Log.Of(RunLogStreams.Stdout);
            stdout.Should().Equal(RunAccount.DefaultName, "no admin file", "no keys", "no password", "no worker environment",
                "conn=unset", "output folder writable");
            string.Join('\n', run.Log.Of(RunLogStreams.Stderr)).Should().Contain("Permission denied");
            File.ReadAllText(Path.Join(run.RunFolder, "out.txt")).Should().Be("written\n");
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Dashboard", null);
        }
    }

    [Fact]
    public async Task A_command_never_sees_the_workers_connection_string_even_as_the_same_account()
    {
        Environment.SetEnvironmentVariable("ConnectionStrings__Dashboard", "Host=127.0.0.1;Password=s3cret");
        try
        {
            using var run = CommandRun.Of("env");
            (await run.ExecuteAsync(new CommandExecutor())).Kind.Should().Be(RunOutcomeKind.Succeeded);
            run.Log.Of(RunLogStreams.Stdout).Should().NotContain(line => line.Contains("s3cret"))
                .And.Contain(line => line.StartsWith("DASHBOARD_RUN_ID="));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Dashboard", null);
        }
    }
}
