using Dashboard.Domain.Artifacts;
using Dashboard.Web.Components.RunView;

namespace Dashboard.Web.Tests.Components;

public sealed class ArtifactsTableTests
{
    [Fact]
    public async Task Files_are_listed_with_sizes_and_escaped_download_links()
    {
        var created = new DateTimeOffset(2026, 11, 30, 21, 5, 0, TimeSpan.Zero);
        var html = await MarkupDocument.RenderAsync<ArtifactsTable>(new Dictionary<string, object?>
        {
            [nameof(ArtifactsTable.Artifacts)] = new[]
            {
                new Artifact { RunId = 12, Name = "checkpoints/step 100#a.safetensors", SizeBytes = 5 * 1024 * 1024 + 1024 * 300, Sha256 = new string('a', 64), ContentType = "application/octet-stream", CreatedAt = created },
                new Artifact { RunId = 12, Name = "log.txt", SizeBytes = 812, Sha256 = "0123456789abcdef" + new string('0', 48), ContentType = "text/plain; charset=utf-8", CreatedAt = created },
            },
        });
        var section = html.QuerySelector("[data-testid=run-artifacts]")!;
        var rows = section.QuerySelectorAll("[data-testid=artifact-row]");
        rows.Should().HaveCount(2);
        var link = rows[0].QuerySelector("a")!;
        link.GetAttribute("href").Should().Be("/api/runs/12/artifacts/checkpoints/step%20100%23a.safetensors");
        link.GetAttribute("download").Should().Be("step 100#a.safetensors");
        rows[0].QuerySelectorAll("td").Select(td => td.Text()).Should().Equal(
            "checkpoints/step 100#a.safetensors", "5.3 MiB", "application/octet-stream", "2026-11-30 21:05 UTC", "aaaaaaaaaaaa");
        rows[1].QuerySelectorAll("td")[1].Text().Should().Be("812 B");
        section.QuerySelector(".card-head .muted")!.Text().Should().Be("2 files, 5.3 MiB");
    }

    [Fact]
    public async Task No_files_is_an_empty_state()
    {
        var html = await MarkupDocument.RenderAsync<ArtifactsTable>(new Dictionary<string, object?> { [nameof(ArtifactsTable.Artifacts)] = Array.Empty<Artifact>() });
        html.QuerySelector("[data-testid=run-artifacts] table").Should().BeNull();
        html.QuerySelector("[data-testid=run-artifacts] .empty")!.Text().Should().StartWith("No files yet");
    }
}
