using System.Security.Cryptography;
using System.Text;
using Dashboard.Domain;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Artifacts;

public sealed class ArtifactStoreTests : QueueTestBase, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "artifacts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_saved_file_is_recorded_with_its_size_and_hash_and_streams_back()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var store = new ArtifactStore(DataSource, _root);
        var bytes = Encoding.UTF8.GetBytes("step,loss\n1,2.0\n");
        var saved = await store.SaveAsync(run, "tables/loss.csv", new MemoryStream(bytes));
        saved.SizeBytes.Should().Be(bytes.Length);
        saved.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        saved.ContentType.Should().Be("text/csv");

        var opened = (await store.OpenAsync(run, "tables/loss.csv"))!.Value;
        await using (opened.Content)
        {
            using var copy = new MemoryStream();
            await opened.Content.CopyToAsync(copy);
            copy.ToArray().Should().Equal(bytes);
        }
        (await store.ListAsync(run)).Select(a => a.Name).Should().Equal("tables/loss.csv");
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task Names_that_could_leave_the_run_folder_are_refused(string name)
    {
        var store = new ArtifactStore(DataSource, _root);
        var act = () => store.SaveAsync(1, name, new MemoryStream([1, 2, 3]));
        await act.Should().ThrowAsync<InvalidInputException>();
        Directory.Exists(_root).Should().BeFalse("nothing was written");
    }

    [Fact]
    public async Task Files_a_script_wrote_into_the_run_folder_are_recorded()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var store = new ArtifactStore(DataSource, _root);
        Directory.CreateDirectory(Path.Combine(store.RunFolder(run), "plots"));
        await File.WriteAllTextAsync(Path.Combine(store.RunFolder(run), "plots", "a.svg"), "<svg/>");
        await File.WriteAllTextAsync(Path.Combine(store.RunFolder(run), "log.txt"), "hello");
        (await store.RecordFolderAsync(run)).Select(a => a.Name).Should().BeEquivalentTo("plots/a.svg", "log.txt");
        (await store.RecordFolderAsync(run)).Should().BeEmpty("nothing changed");
    }
}
