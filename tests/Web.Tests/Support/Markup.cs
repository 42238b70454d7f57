using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Web.Tests.Support;

/// <summary>
/// Renders a component to HTML with ASP.NET Core's HtmlRenderer (the static renderer Blazor uses for server
/// pages), over the given services: a bare container for plain components, the real app's for those that
/// read the database.
/// </summary>
public static class Markup
{
    /// <param name="user">Who is looking; a signed-in member when not given.</param>
    public static async Task<string> RenderAsync<TComponent>(IDictionary<string, object?> parameters, IServiceProvider? services = null,
        System.Security.Claims.ClaimsPrincipal? user = null)
        where TComponent : IComponent
    {
        await using var own = services is null ? new ServiceCollection().AddLogging().BuildServiceProvider() : null;
        var provider = services ?? own!;
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<SignedIn>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(SignedIn.User)] = user,
                [nameof(SignedIn.Content)] = (RenderFragment)(b =>
                {
                    b.OpenComponent<TComponent>(0);
                    foreach (var (name, value) in parameters) b.AddComponentParameter(1, name, value);
                    b.CloseComponent();
                }),
            }));
            await output.QuiescenceTask;
            // Decoded, so tests read "·" and quotes as the user sees them (the renderer writes &#xB7; and &quot;).
            return System.Net.WebUtility.HtmlDecode(output.ToHtmlString());
        });
    }

    /// <summary>Supplies the authentication state AuthorizeView asks for: a signed-in team member unless told otherwise.</summary>
    private sealed class SignedIn : ComponentBase
    {
        private static readonly Task<AuthenticationState> Member = Task.FromResult(new AuthenticationState(
            Dashboard.Web.Access.AccessClaims.ForMember(
                new Dashboard.Domain.Access.User { Id = 1, UserName = "ada", DisplayName = "Ada", PasswordHash = "test" }, "test")));

        [Parameter] public RenderFragment? Content { get; set; }
        [Parameter] public System.Security.Claims.ClaimsPrincipal? User { get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenComponent<CascadingValue<Task<AuthenticationState>>>(0);
            builder.AddComponentParameter(1, "Value", User is null ? Member : Task.FromResult(new AuthenticationState(User)));
            builder.AddComponentParameter(2, "ChildContent", Content);
            builder.CloseComponent();
        }
    }
}
