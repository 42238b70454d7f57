using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>A waiting run that no online worker can serve says why; a submission no registered worker could serve is warned about.</summary>
public sealed class WaitingReasonApiTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    private async Task<JsonNode> CreateAsync(string device)
    {
        var response = await _http.PostAsync("/api/experiments", new StringContent(
            $$"""{"family": "command", "config": {"command": "true"}, "device": "{{device}}"}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!;
    }

    private async Task<string?> ReasonAsync(JsonNode created) =>
        JsonNode.Parse(await _http.GetStringAsync($"/api/runs/{created["runs"]![0]!["id"]}"))!["waiting_reason"]?.GetValue<string>();

    [Fact]
    public async Task A_run_no_online_worker_can_serve_says_why_and_its_submission_warns()
    {
        var registry = new WorkerRegistry(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>());
        var cpu = await registry.RegisterAsync(new WorkerInfo { Name = "cpu-only", Host = "test", Device = "cpu" });

        var cuda = await CreateAsync("cuda");
        cuda["warnings"]!.AsArray().Single()!.GetValue<string>().Should().Contain("no registered worker has a CUDA device");
        (await ReasonAsync(cuda)).Should().Be("no online worker has a CUDA device");
        (await ReasonAsync(await CreateAsync("cpu"))).Should().BeNull("a CPU worker is online");

        await registry.RegisterAsync(new WorkerInfo { Name = "gpu", Host = "test", Device = "cuda:0", GpuMemoryMb = 81_559 });
        (await ReasonAsync(cuda)).Should().BeNull("a GPU worker is online now");
        var big = await CreateAsync("cuda:90000");
        (await ReasonAsync(big)).Should().Be("needs 90,000 MiB; the largest online GPU has 81,559");
        big["warnings"]!.AsArray().Single()!.GetValue<string>().Should().Contain("the largest registered GPU has 81,559");

        await registry.SignOffAsync(cpu);
        (await ReasonAsync(await CreateAsync("cpu"))).Should().Be("no online worker runs on the CPU");
    }
}
