using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Web.Tests.Actions;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// /api/runs/{id}/artifacts/… serves a run's regular files and nothing a link in its folder points at — even
/// a file recorded earlier and replaced by a link afterwards, or one reached through a linked folder.
/// </summary>
public sealed class ArtifactRouteTests(DashboardApp app) : ActionsTestBase(app), IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    [Fact]
    public async Task Files_behind_links_in_a_run_folder_answer_404_and_never_their_bytes()
    {
        var run = (await Experiments.CreateAsync(JsonNode.Parse("""{"family": "command", "config": {"command": "true"}}""")!)).RunIds[0];
        var secretFolder = Directory.CreateTempSubdirectory("secrets-");
        try
        {
            var secret = Path.Combine(secretFolder.FullName, "first-admin.txt");
            await File.WriteAllTextAsync(secret, "admin hunter2");
            await Artifacts.SaveAsync(run, "result.txt", new MemoryStream(Encoding.UTF8.GetBytes("ok")));
            await Artifacts.SaveAsync(run, "sub/kept.txt", new MemoryStream(Encoding.UTF8.GetBytes("kept")));
            (await _http.GetStringAsync($"/api/runs/{run}/artifacts/result.txt")).Should().Be("ok");
            (await _http.GetStringAsync($"/api/runs/{run}/artifacts/sub/kept.txt")).Should().Be("kept");

            // The run replaces its recorded file by a link, and its recorded folder by a link to the secrets' folder.
            var folder = Artifacts.RunFolder(run);
            File.Delete(Path.Combine(folder, "result.txt"));
            File.CreateSymbolicLink(Path.Combine(folder, "result.txt"), secret);
            Directory.Delete(Path.Combine(folder, "sub"), recursive: true);
            Directory.CreateSymbolicLink(Path.Combine(folder, "sub"), secretFolder.FullName);
            File.Copy(secret, Path.Combine(secretFolder.FullName, "kept.txt"));

            foreach (var name in new[] { "result.txt", "sub/kept.txt", "sub%2Fkept.txt" })
            {
                var response = await _http.GetAsync($"/api/runs/{run}/artifacts/{name}");
                response.StatusCode.Should().Be(HttpStatusCode.NotFound, name);
                (await response.Content.ReadAsStringAsync()).Should().NotContain("hunter2");
            }
        }
        finally
        {
            secretFolder.Delete(recursive: true);
        }
    }
}
