using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Web.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Web.Tests.Access;

/// <summary>A browser-like client of the app: keeps cookies, does not follow redirects, posts forms with their antiforgery token.</summary>
public sealed partial class Visitor(HttpClient http)
{
    public Visitor(DashboardApp app)
        : this(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true })) { }

    public HttpClient Http { get; } = http;

    public static string SignInPage(string? returnUrl) => "/signin" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl));

    public async Task<HttpResponseMessage> SignInAsync(string userName, string password, string? returnUrl = null)
    {
        var page = SignInPage(returnUrl);
        var token = await AntiforgeryTokenAsync(page);
        return await Http.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__RequestVerificationToken"] = token, ["username"] = userName, ["password"] = password,
        }));
    }

    public async Task SignInOrFailAsync(string userName, string password)
    {
        var response = await SignInAsync(userName, password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The antiforgery token of the (first) form on a page.</summary>
    public async Task<string> AntiforgeryTokenAsync(string page)
    {
        var response = await Http.GetAsync(page);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, html);
        return Token().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery token on {page}");
    }

    /// <summary>Opens a review link as a visitor would, returning the answer (a redirect when valid).</summary>
    public Task<HttpResponseMessage> OpenReviewLinkAsync(string secret) => Http.GetAsync($"/review/{secret}");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
