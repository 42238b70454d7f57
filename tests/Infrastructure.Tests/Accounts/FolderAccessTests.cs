using System.Diagnostics;
using Dashboard.Infrastructure.Accounts;

namespace Dashboard.Infrastructure.Tests.Accounts;

/// <summary>
/// The handover and the blocking-folder diagnosis that the embedded cluster's account and the worker's run account
/// share, on real files.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FolderAccessTests : IDisposable
{
    private const uint Nobody = 65534;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("folder-access-");

    public void Dispose() => _root.Delete(recursive: true);

    private static string Owner(string path)
    {
        // stat -c without -L reports a symbolic link itself.
        var start = new ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    [Fact]
    public void Hands_a_link_over_itself_and_leaves_its_target_alone()
    {
        if (!Environment.IsPrivilegedProcess) return; // only root can give files away; CI and ./scripts/start run as root
        var target = Path.Join(_root.FullName, "target");
        File.WriteAllText(target, "x");
        var link = Path.Join(_root.FullName, "link");
        File.CreateSymbolicLink(link, target);
        var targetOwner = Owner(target);

        FolderAccess.TryHandOver(link, Nobody, Nobody, out var errno).Should().BeTrue();
        errno.Should().Be(0);
        Owner(link).Should().Be($"{Nobody}:{Nobody}");
        Owner(target).Should().Be(targetOwner);
    }

    [Fact]
    public void A_refused_handover_reports_the_errno()
    {
        FolderAccess.TryHandOver(Path.Join(_root.FullName, "missing"), Nobody, Nobody, out var errno).Should().BeFalse();
        errno.Should().Be(2); // ENOENT
    }

    [Fact]
    public void Names_the_nearest_parent_that_others_cannot_traverse()
    {
        File.SetUnixFileMode(_root.FullName, (UnixFileMode)0b111_101_101);
        var shut = Directory.CreateDirectory(Path.Join(_root.FullName, "shut"));
        var folder = Directory.CreateDirectory(Path.Join(shut.FullName, "open", "data"));
        File.SetUnixFileMode(Path.Join(shut.FullName, "open"), (UnixFileMode)0b111_101_101);

        File.SetUnixFileMode(shut.FullName, (UnixFileMode)0b111_000_000);
        FolderAccess.BlockingAncestor(folder.FullName).Should().Be(shut.FullName);

        File.SetUnixFileMode(shut.FullName, (UnixFileMode)0b111_001_001);   // o+x alone is enough to pass through
        var blocking = FolderAccess.BlockingAncestor(folder.FullName);
        (blocking is null || !blocking.StartsWith(_root.FullName, StringComparison.Ordinal)).Should().BeTrue($"nothing under the test's folder blocks now, but got '{blocking}'");
    }
}
