using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Database;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Access;

/// <summary>Scripts call the API with a member's token; the token is stored only as a hash.</summary>
public sealed class ApiAccessTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static HttpClient WithToken(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_member_token_reads_and_acts_and_what_it_queues_is_owned_by_its_member()
    {
        await app.AddMemberAsync("scripter", "a long enough password");
        var http = WithToken(app.CreateClient(), await app.CreateTokenAsync("scripter"));
        var created = await http.PostAsync("/api/experiments", new StringContent(
            """{"family": "command", "config": {"command": "true"}}""", Encoding.UTF8, "application/json"));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        body["experiment"]!["owner"]!.GetValue<string>().Should().Be("scripter");
        var runId = body["runs"]![0]!["id"]!.GetValue<long>();
        (await http.GetAsync($"/api/runs/{runId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.PostAsync($"/api/runs/{runId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("dsh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_bad_token_is_a_401_that_says_so(string token)
    {
        var response = await WithToken(app.CreateClient(), token).GetAsync("/api/experiments");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("Bearer");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Contain("unknown, malformed or revoked");
    }

    [Fact]
    public async Task A_revoked_token_or_a_disabled_member_s_token_stops_working()
    {
        var revoker = await app.AddMemberAsync("revoker", "a long enough password");
        var tokens = app.Services.GetRequiredService<ApiTokenStore>();
        var (token, secret) = await tokens.CreateAsync(revoker.Id, "ci");
        var http = WithToken(app.CreateClient(), secret);
        (await http.GetAsync("/api/workers")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await tokens.RevokeAsync(revoker.Id, token.Id)).Should().BeTrue();
        (await http.GetAsync("/api/workers")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var (_, second) = await tokens.CreateAsync(revoker.Id, "ci 2");
        await app.Services.GetRequiredService<UserStore>().SetDisabledAsync(revoker.Id, disabled: true);
        (await WithToken(app.CreateClient(), second).GetAsync("/api/workers")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tokens_are_256_random_bits_stored_only_as_their_sha256()
    {
        var user = await app.AddMemberAsync("hashed", "a long enough password");
        var tokens = app.Services.GetRequiredService<ApiTokenStore>();
        var secrets = new List<string>();
        for (var i = 0; i < 20; i++) secrets.Add((await tokens.CreateAsync(user.Id, $"t{i}")).Secret);
        secrets.Should().OnlyHaveUniqueItems().And.OnlyContain(s => s.Length == ApiToken.Prefix.Length + 43 && s.StartsWith(ApiToken.Prefix));
        System.Buffers.Text.Base64Url.DecodeFromChars(secrets[0].AsSpan(ApiToken.Prefix.Length)).Should().HaveCount(32);

        await using var db = DatabaseConnection.Create(app.ConnectionString);
        await using var command = db.CreateCommand("SELECT token_hash, hint, name FROM api_tokens WHERE user_id = $1");
        command.Parameters.AddWithValue(user.Id);
        var rows = new List<(byte[] Hash, string Hint, string Name)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add(((byte[])reader[0], reader.GetString(1), reader.GetString(2)));
        rows.Select(r => Convert.ToHexString(r.Hash)).Should().BeEquivalentTo(secrets.Select(s => Convert.ToHexString(SecretToken.Hash(s))));
        rows.Should().OnlyContain(r => r.Hint.Length == ApiToken.Prefix.Length + 4 && !secrets.Contains(r.Hint));
    }
}
