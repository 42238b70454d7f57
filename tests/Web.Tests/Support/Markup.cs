using Bunit;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Tests.Support;

/// <summary>
/// Renders a component with bUnit (<see cref="ComponentContext"/>) and answers its markup once it has loaded
/// (no "loading" placeholder left): for tests that only read what a component shows.
/// </summary>
public static class Markup
{
    /// <param name="user">Who is looking; a signed-in member when not given.</param>
    public static async Task<string> RenderAsync<TComponent>(IDictionary<string, object?> parameters, IServiceProvider? services = null,
        System.Security.Claims.ClaimsPrincipal? user = null)
        where TComponent : IComponent =>
        // Decoded, so tests read "·" and quotes as the user sees them.
        System.Net.WebUtility.HtmlDecode(await RenderRawAsync<TComponent>(parameters, services, user));

    /// <summary>The markup as HTML (entities kept), for parsing.</summary>
    public static async Task<string> RenderRawAsync<TComponent>(IDictionary<string, object?> parameters, IServiceProvider? services = null,
        System.Security.Claims.ClaimsPrincipal? user = null)
        where TComponent : IComponent
    {
        await using var context = ComponentContext.Create(services, user);
        // Static reads only: charts the markup contains may start drawing; that is the interaction tests' concern.
        context.JSInterop.SetupVoid(invocation => invocation.Identifier.StartsWith("dashboardCharts.", StringComparison.Ordinal)).SetVoidResult();
        var rendered = context.Render(builder =>
        {
            builder.OpenComponent<TComponent>(0);
            foreach (var (name, value) in parameters) builder.AddComponentParameter(1, name, value);
            builder.CloseComponent();
        });
        // Loaded: no "Loading…" block and no placeholder marked data-loading left.
        await rendered.WaitForStateAsync(() => !rendered.Markup.Contains("class=\"loading\"", StringComparison.Ordinal)
                                               && !rendered.Markup.Contains("data-loading=", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        return rendered.Markup;
    }
}
