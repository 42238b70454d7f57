using System.Net;
using System.Text.Json.Nodes;
using Dashboard.Infrastructure.Access;
using Dashboard.Web.Access;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Access;

/// <summary>Signing in through the real /signin form: cookies, wrong passwords, throttling, redirects, sign-out.</summary>
public sealed class SignInTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task The_configured_admin_signs_in_and_the_session_cookie_is_http_only_and_lax()
    {
        var visitor = new Visitor(app);
        var response = await visitor.SignInAsync(DashboardApp.AdminUserName, DashboardApp.AdminPassword, "/experiments?page=2");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.PathAndQuery().Should().Be("/experiments?page=2");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard_session=", StringComparison.Ordinal));
        cookie.Should().ContainEquivalentOf("httponly").And.ContainEquivalentOf("samesite=lax");
        (await visitor.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await visitor.Http.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer_and_no_session()
    {
        await app.AddMemberAsync("wrong-pw", Password);
        foreach (var (user, password) in new[] { ("wrong-pw", "not the password"), ("nobody-here", Password) })
        {
            var visitor = new Visitor(app);
            var response = await visitor.SignInAsync(user, password);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await response.Content.ReadAsStringAsync()).Should().Contain("The user name or password is wrong.");
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [];
            cookies.Should().NotContain(c => c.StartsWith("dashboard_session=", StringComparison.Ordinal));
            (await visitor.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task After_five_attempts_in_a_minute_the_sixth_is_refused_with_429_even_with_the_right_password()
    {
        await app.AddMemberAsync("guessed", Password);
        var visitor = new Visitor(app);
        for (var i = 0; i < 5; i++)
            (await visitor.SignInAsync("guessed", $"guess {i} of many")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var refused = await visitor.SignInAsync("guessed", Password);
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.Should().NotBeNull();
        (await refused.Content.ReadAsStringAsync()).Should().Contain("Too many sign-in attempts");
        // Another user name is its own bucket.
        await app.AddMemberAsync("not-guessed", Password);
        (await visitor.SignInAsync("not-guessed", Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/runs/12", "/runs/12")]
    public async Task Only_local_return_urls_are_followed(string returnUrl, string expected)
    {
        var name = "return-" + Guid.NewGuid().ToString("N")[..8];
        await app.AddMemberAsync(name, Password);
        var response = await new Visitor(app).SignInAsync(name, Password, returnUrl);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery().Should().Be(expected);
    }

    [Fact]
    public async Task A_sign_in_post_without_its_antiforgery_token_is_refused()
    {
        var visitor = new Visitor(app);
        var response = await visitor.Http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["username"] = DashboardApp.AdminUserName, ["password"] = DashboardApp.AdminPassword,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await visitor.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Anonymous_pages_redirect_to_sign_in_and_anonymous_api_calls_get_401_problem_details()
    {
        var visitor = new Visitor(app);
        var page = await visitor.Http.GetAsync("/?view=all");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Headers.Location!.PathAndQuery().Should().Be("/signin?returnUrl=%2F%3Fview%3Dall");

        foreach (var (method, path) in new[] { ("GET", "/api/experiments"), ("GET", "/api/runs/1/metrics"), ("POST", "/api/runs/1/cancel"), ("DELETE", "/api/experiments/1") })
        {
            var response = await visitor.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{method} {path}");
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Contain("Authorization: Bearer");
        }
        (await visitor.Http.GetAsync("/signin")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await visitor.Http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_out_through_the_sidebar_form_ends_the_session()
    {
        await app.AddMemberAsync("leaver", Password);
        var visitor = new Visitor(app);
        await visitor.SignInOrFailAsync("leaver", Password);
        var token = await visitor.AntiforgeryTokenAsync("/");
        var response = await visitor.Http.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery().Should().StartWith("/signin");
        (await visitor.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sign_out_without_an_antiforgery_token_does_nothing()
    {
        await app.AddMemberAsync("stayer", Password);
        var visitor = new Visitor(app);
        await visitor.SignInOrFailAsync("stayer", Password);
        (await visitor.Http.PostAsync("/signout", new FormUrlEncodedContent([]))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await visitor.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disabling_a_member_or_changing_their_password_ends_their_open_sessions_on_the_next_request()
    {
        var disabled = await app.AddMemberAsync("to-disable", Password);
        var changed = await app.AddMemberAsync("to-change", Password);
        var first = new Visitor(app);
        var second = new Visitor(app);
        await first.SignInOrFailAsync("to-disable", Password);
        await second.SignInOrFailAsync("to-change", Password);
        (await first.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.OK);

        var users = app.Services.GetRequiredService<UserStore>();
        await users.SetDisabledAsync(disabled.Id, disabled: true);
        await users.SetPasswordHashAsync(changed.Id, app.Services.GetRequiredService<PasswordHashing>().Hash("another long password"));

        (await first.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await second.Http.GetAsync("/api/experiments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var again = await new Visitor(app).SignInAsync("to-disable", Password);
        again.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await again.Content.ReadAsStringAsync()).Should().Contain("disabled");
    }
}

internal static class UriExtensions
{
    /// <summary>Path and query of a Location header, whether the server wrote it absolute or relative.</summary>
    public static string PathAndQuery(this Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
