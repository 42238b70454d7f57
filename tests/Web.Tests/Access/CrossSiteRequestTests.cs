using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Web.Access;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Access;

/// <summary>
/// A page on another origin (another port of the same host: the same site, so the SameSite=Lax session cookie
/// goes along) must not act as the signed-in member. The requests below are the ones such a page's browser
/// sends: an auto-submitted text/plain form shaped like JSON, and fetch() with and without credentials.
/// </summary>
public sealed class CrossSiteRequestTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private const string Elsewhere = "http://localhost:8666";
    private const string Own = "http://localhost";
    private const string Experiment = """{"family": "command", "config": {"command": "touch /tmp/forged"}}""";

    [Theory]
    [InlineData(Elsewhere)]
    [InlineData(null)] // a browser that leaves Origin out
    public async Task A_forged_text_plain_form_post_with_the_admins_cookie_creates_nothing(string? origin)
    {
        var admin = await SignedInAdminAsync();
        var before = await ExperimentCountAsync();
        // <form enctype="text/plain"><input name='{"family": "command", "config": {"command": "touch /tmp/forged"}, "x": "' value='"}'>
        var form = new StringContent("""{"family": "command", "config": {"command": "touch /tmp/forged"}, "x": "=" }""", Encoding.UTF8, "text/plain");
        var response = await admin.Http.SendAsync(Post("/api/experiments", form, origin));
        ((int)response.StatusCode).Should().BeOneOf(403, 415);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await ExperimentCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_cross_origin_fetch_with_credentials_creates_nothing_even_with_a_json_body_or_the_custom_header()
    {
        var admin = await SignedInAdminAsync();
        var before = await ExperimentCountAsync();
        var plain = await admin.Http.SendAsync(Post("/api/experiments", Json(Experiment), Elsewhere));
        plain.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await plain.Content.ReadAsStringAsync()).Should().Contain("other sites' pages");
        // A browser sends the header only after a CORS preflight this app never approves; refused anyway.
        var withHeader = Post("/api/experiments", Json(Experiment), Elsewhere);
        withHeader.Headers.Add(CrossSiteRequests.RequestedWithHeader, "fetch");
        (await admin.Http.SendAsync(withHeader)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ExperimentCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_cross_origin_fetch_without_credentials_creates_nothing()
    {
        var before = await ExperimentCountAsync();
        var anonymous = new Visitor(app);
        var response = await anonymous.Http.SendAsync(Post("/api/experiments", Json(Experiment), Elsewhere));
        ((int)response.StatusCode).Should().BeOneOf(401, 403);
        (await ExperimentCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_signed_in_browser_writes_with_the_custom_header_or_the_antiforgery_token_and_not_without()
    {
        var admin = await SignedInAdminAsync();
        var bare = await admin.Http.SendAsync(Post("/api/experiments", Json(Experiment), Own));
        bare.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await bare.Content.ReadAsStringAsync()).Should().Contain(CrossSiteRequests.RequestedWithHeader);

        var withHeader = Post("/api/experiments", Json(Experiment), Own);
        withHeader.Headers.Add(CrossSiteRequests.RequestedWithHeader, "XMLHttpRequest");
        var created = await admin.Http.SendAsync(withHeader);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        var token = await admin.AntiforgeryTokenAsync("/account");
        var withToken = Post("/api/experiments", Json(Experiment), origin: null);
        withToken.Headers.Add("RequestVerificationToken", token);
        (await admin.Http.SendAsync(withToken)).StatusCode.Should().Be(HttpStatusCode.Created);
        var wrongToken = Post("/api/experiments", Json(Experiment), origin: null);
        wrongToken.Headers.Add("RequestVerificationToken", "not-a-token");
        (await admin.Http.SendAsync(wrongToken)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_api_token_request_is_exempt_a_browser_never_attaches_one()
    {
        var script = app.CreateMemberClient();
        var response = await script.SendAsync(Post("/api/experiments", Json(Experiment), Elsewhere));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/hubs/runs/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task Live_connections_open_from_the_dashboards_own_pages_and_not_from_another_origin(string negotiate)
    {
        var admin = await SignedInAdminAsync();
        (await admin.Http.SendAsync(Post(negotiate, null, Elsewhere))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var own = await admin.Http.SendAsync(Post(negotiate, null, Own));
        own.StatusCode.Should().Be(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_sign_out_form_from_another_origin_is_refused_and_the_session_stays()
    {
        var admin = await SignedInAdminAsync();
        var token = await admin.AntiforgeryTokenAsync("/account");
        var forged = await admin.Http.SendAsync(Post("/signout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Elsewhere));
        forged.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task An_api_body_that_is_not_json_is_a_415_whoever_sends_it(string? contentType)
    {
        var before = await ExperimentCountAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Experiment));
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await app.CreateMemberClient().PostAsync("/api/experiments", content);
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().ContainAny("application/json", "UTF-8");
        (await ExperimentCountAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    public async Task Json_bodies_are_read(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Experiment));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        (await app.CreateMemberClient().PostAsync("/api/experiments", content)).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    private async Task<Visitor> SignedInAdminAsync()
    {
        // A member of one's own per test: sign-in attempts are throttled per user name.
        var name = "member-" + Guid.NewGuid().ToString("N")[..8];
        await app.AddMemberAsync(name, "a long enough password");
        var visitor = new Visitor(app);
        await visitor.SignInOrFailAsync(name, "a long enough password");
        return visitor;
    }

    private async Task<int> ExperimentCountAsync() =>
        JsonNode.Parse(await app.CreateMemberClient().GetStringAsync("/api/experiments"))!["total"]!.GetValue<int>();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Post(string path, HttpContent? content, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }
}
