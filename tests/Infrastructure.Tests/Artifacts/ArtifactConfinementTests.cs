using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Artifacts.Files;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Artifacts;

/// <summary>
/// A run's folder is written by untrusted code. Each kind of entry it can plant is recorded only when it is a
/// regular file inside the folder, and nothing is ever read through a link, neither when recording nor when serving.
/// </summary>
public sealed class ArtifactConfinementTests : QueueTestBase, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "confine-" + Guid.NewGuid().ToString("N"));
    private readonly string _secret;

    public ArtifactConfinementTests()
    {
        // Stands in for .data/first-admin.txt: outside the store, readable by the dashboard.
        Directory.CreateDirectory(_root);
        _secret = Path.Combine(_root, "first-admin.txt");
        File.WriteAllText(_secret, "password: hunter2");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<(ArtifactStore Store, long Run, string Folder)> RunWithFolderAsync()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var store = new ArtifactStore(DataSource, Path.Combine(_root, "store"));
        var folder = store.RunFolder(run);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "result.txt"), "ok");
        return (store, run, folder);
    }

    private static async Task<string?> ServedAsync(ArtifactStore store, long run, string name)
    {
        if (await store.OpenAsync(run, name) is not { } opened) return null;
        await using var content = opened.Content;
        return await new StreamReader(content).ReadToEndAsync();
    }

    [Fact]
    public async Task A_link_to_a_file_outside_is_not_recorded_and_the_log_says_why()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        File.CreateSymbolicLink(Path.Combine(folder, "admin.txt"), _secret);

        var report = await store.RecordFolderAsync(run, new RecordingLimits());

        report.Recorded.Select(a => a.Name).Should().Equal("result.txt");
        report.Skipped.Should().ContainSingle().Which.Should().Contain("'admin.txt' is a symbolic link");
        (await ServedAsync(store, run, "admin.txt")).Should().BeNull();
    }

    [Fact]
    public async Task Links_to_the_root_and_to_folders_outside_are_not_walked()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        Directory.CreateSymbolicLink(Path.Combine(folder, "everything"), "/");
        Directory.CreateSymbolicLink(Path.Combine(folder, "proc"), "/proc/self");
        Directory.CreateSymbolicLink(Path.Combine(folder, "data"), _root);

        var clock = Stopwatch.StartNew();
        var report = await store.RecordFolderAsync(run, new RecordingLimits());

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        report.Recorded.Select(a => a.Name).Should().Equal("result.txt");
        report.Skipped.Should().HaveCount(3).And.OnlyContain(s => s.Contains("symbolic link"));
        // Not through an intermediate link either, even if a name naming one were recorded somehow.
        var act = () => store.RecordExistingAsync(run, "data/first-admin.txt");
        await act.Should().ThrowAsync<LinkRefusedException>();
    }

    [Fact]
    public async Task A_fifo_a_socket_and_a_device_are_passed_over_without_blocking()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        Run("mkfifo", Path.Combine(folder, "pipe"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(folder, "socket")));
        var device = Environment.IsPrivilegedProcess;
        if (device) Run("mknod", Path.Combine(folder, "null"), "c", "1", "3");

        var recording = store.RecordFolderAsync(run, new RecordingLimits());
        var report = await recording.WaitAsync(TimeSpan.FromSeconds(10));

        report.Recorded.Select(a => a.Name).Should().Equal("result.txt");
        report.Skipped.Should().Contain(s => s.Contains("'pipe' is a FIFO"));
        report.Skipped.Should().Contain(s => s.Contains("'socket' is a socket"));
        if (device) report.Skipped.Should().Contain(s => s.Contains("'null' is a character device"));
    }

    [Fact]
    public async Task A_recorded_file_later_replaced_by_a_link_is_not_served_and_neither_is_the_log()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        await File.WriteAllTextAsync(Path.Combine(folder, "log.txt"), "line 1\n");
        await store.RecordFolderAsync(run, new RecordingLimits());
        (await ServedAsync(store, run, "result.txt")).Should().Be("ok");

        File.Delete(Path.Combine(folder, "result.txt"));
        File.CreateSymbolicLink(Path.Combine(folder, "result.txt"), _secret);
        File.Delete(Path.Combine(folder, "log.txt"));
        File.CreateSymbolicLink(Path.Combine(folder, "log.txt"), _secret);

        (await ServedAsync(store, run, "result.txt")).Should().BeNull();
        (await RunLogTail.ReadAsync(store, run)).Should().Be(RunLogTail.None);
        var append = () => store.AppendToLog(run);
        append.Should().Throw<LinkRefusedException>("the worker must not append its log to the link's target");
        File.ReadAllText(_secret).Should().Be("password: hunter2");
    }

    [Fact]
    public async Task A_run_folder_replaced_by_a_link_serves_nothing()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        await store.RecordFolderAsync(run, new RecordingLimits());
        var decoy = Path.Combine(_root, "decoy");
        Directory.CreateDirectory(decoy);
        await File.WriteAllTextAsync(Path.Combine(decoy, "result.txt"), "not the run's");
        Directory.Delete(folder, recursive: true);
        Directory.CreateSymbolicLink(folder, decoy);

        (await ServedAsync(store, run, "result.txt")).Should().BeNull();
    }

    [Fact]
    public async Task A_hard_link_inside_the_folder_is_recorded_as_the_regular_file_it_is()
    {
        // Decision (see README): a hard link is a regular file. fs.protected_hardlinks lets a command link only
        // files it owns or can read and write, so a link reveals nothing the command could not copy.
        var (store, run, folder) = await RunWithFolderAsync();
        Run("ln", Path.Combine(folder, "result.txt"), Path.Combine(folder, "same.txt"));
        var report = await store.RecordFolderAsync(run, new RecordingLimits());
        report.Recorded.Select(a => a.Name).Should().BeEquivalentTo("result.txt", "same.txt");
    }

    [Fact]
    public async Task Recording_stops_at_the_file_count_the_byte_total_and_the_time_limit()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        for (var i = 0; i < 5; i++) await File.WriteAllTextAsync(Path.Combine(folder, $"f{i}.txt"), new string('x', 100));

        var counted = await store.RecordFolderAsync(run, new RecordingLimits { MaxFiles = 3 });
        counted.Recorded.Should().HaveCount(3);
        counted.Skipped.Should().ContainSingle().Which.Should().Contain("more than 3 files");

        var (store2, run2, folder2) = await RunWithFolderAsync();
        for (var i = 0; i < 5; i++) await File.WriteAllTextAsync(Path.Combine(folder2, $"f{i}.txt"), new string('x', 100));
        var sized = await store2.RecordFolderAsync(run2, new RecordingLimits { MaxTotalBytes = 250 });
        sized.Recorded.Sum(a => a.SizeBytes).Should().BeLessThanOrEqualTo(250);
        sized.Skipped.Should().Contain(s => s.Contains("bytes recorded at most"));

        var (store3, run3, _) = await RunWithFolderAsync();
        var timed = await store3.RecordFolderAsync(run3, new RecordingLimits { MaxTime = TimeSpan.Zero });
        timed.Recorded.Should().BeEmpty();
        timed.Skipped.Should().ContainSingle().Which.Should().Contain("recording took longer");
    }

    [Fact]
    public async Task Folders_nested_past_the_depth_limit_are_not_walked()
    {
        var (store, run, folder) = await RunWithFolderAsync();
        var deep = Path.Combine(folder, "a", "b", "c");
        Directory.CreateDirectory(deep);
        await File.WriteAllTextAsync(Path.Combine(deep, "deep.txt"), "deep", Encoding.UTF8);
        var report = await store.RecordFolderAsync(run, new RecordingLimits { MaxDepth = 2 });
        report.Recorded.Select(a => a.Name).Should().Equal("result.txt");
        report.Skipped.Should().ContainSingle().Which.Should().Contain("'a/b/' is nested deeper than 2 folders");
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{program} should succeed");
    }
}
