using System.Text.Json.Nodes;
using Dashboard.EndToEnd.Tests.Hosting;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>
/// The signed-in admin visits a page on another port of the same host. It auto-submits a text/plain form whose
/// body is JSON, and calls fetch() with and without credentials; the browser sends the admin's session cookie
/// along (same site), yet no experiment is created: the dashboard refuses other origins' writes.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class CrossSiteTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task A_page_on_another_port_cannot_create_an_experiment_with_the_admins_cookie()
    {
        var name = "forged-" + Guid.NewGuid().ToString("N")[..8];
        var api = new Uri(dashboard.BaseUrl, "/api/experiments");
        var document = new JsonObject { ["name"] = name, ["family"] = "command", ["config"] = new JsonObject { ["command"] = "true" } }.ToJsonString();
        var fieldName = document[..^1] + ", \"x\": \"";
        using var site = new OtherOriginSite(new Dictionary<string, string>
        {
            ["/form"] = $$"""
                <form id="f" method="post" action="{{api}}" enctype="text/plain">
                <input type="hidden" name='{{fieldName}}' value='"}'></form>
                <script>document.getElementById("f").submit();</script>
                """,
            ["/fetch"] = $$"""
                <script>
                const body = {{JsonValue.Create(document).ToJsonString()}};
                const url = "{{api}}";
                Promise.allSettled([
                  fetch(url, { method: "POST", credentials: "include", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body }),
                  fetch(url, { method: "POST", credentials: "include", headers: { "Content-Type": "application/json" }, body }),
                  fetch(url, { method: "POST", credentials: "include", headers: { "Content-Type": "application/json", "X-Requested-With": "x" }, body }),
                  fetch(url, { method: "POST", credentials: "include", mode: "no-cors", body: new Blob([body]) }),
                  fetch(url, { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body }),
                ]).then(results => { document.title = "done " + results.map(r => r.status).join(","); });
                </script>
                """,
        });
        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);

        await browser.Page.GotoAsync(new Uri(site.Url, "/fetch").ToString());
        await Expect(browser.Page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^done"));
        output.WriteLine($"fetch results: {await browser.Page.TitleAsync()}");

        var submitted = browser.Page.WaitForResponseAsync(r => r.Url == api.ToString());
        await browser.Page.GotoAsync(new Uri(site.Url, "/form").ToString());
        var answer = await submitted;
        output.WriteLine($"form post answered {answer.Status}");
        answer.Status.Should().BeOneOf(403, 415);
        await browser.ScreenshotAsync("form-post-refused");

        using var dashboardApi = dashboard.Api();
        var found = JsonNode.Parse(await dashboardApi.Http.GetStringAsync($"/api/experiments?search={name}"))!;
        found["total"]!.GetValue<int>().Should().Be(0, "no forged request may create an experiment");
    }
}
