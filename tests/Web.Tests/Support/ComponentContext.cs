using System.Security.Claims;
using Bunit;
using Dashboard.Domain.Access;
using Dashboard.Web.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Support;

/// <summary>
/// bUnit contexts for the dashboard's components: JS interop in strict mode (a call the test did not set up fails
/// it), who is looking (a signed-in member unless told otherwise, with the View and Act policies a member holds),
/// and, for components that read the database, the real app's services behind bUnit's own.
/// </summary>
public static class ComponentContext
{
    /// <summary>A member as the sign-in makes one; pass the stored user so <see cref="ActionGate"/> accepts the session.</summary>
    public static ClaimsPrincipal Member(User? user = null) =>
        AccessClaims.ForMember(user ?? new User { Id = 1, UserName = "ada", DisplayName = "Ada", PasswordHash = "test" }, "test");

    /// <summary>A context over the app's services, inside a scope of them (the renderer asks for scoped ones), disposed with it.</summary>
    public static BunitContext ForApp(IServiceProvider app, ClaimsPrincipal? user = null)
    {
        var scope = app.CreateAsyncScope();
        var context = Create(scope.ServiceProvider, user);
        context.Services.AddSingleton(new ScopeOwner(scope));
        _ = context.Services.GetRequiredService<ScopeOwner>(); // resolved, so the context's disposal ends the scope
        return context;
    }

    private sealed class ScopeOwner(AsyncServiceScope scope) : IAsyncDisposable, IDisposable
    {
        public ValueTask DisposeAsync() => scope.DisposeAsync();
        public void Dispose() => scope.Dispose();
    }

    /// <param name="app">The app whose services (database, stores, actions) components may use; none for plain components.</param>
    /// <param name="user">Who is looking: a member when null; a review-link visitor or anonymous principal otherwise.</param>
    public static BunitContext Create(IServiceProvider? app = null, ClaimsPrincipal? user = null)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Strict;
        user ??= Member();
        var auth = context.AddAuthorization();
        if (user.Identity?.IsAuthenticated == true)
        {
            auth.SetAuthorized(user.Identity.Name ?? "someone");
            auth.SetClaims(user.Claims.Where(c => c.Type != ClaimTypes.Name).ToArray());
            auth.SetPolicies(user.IsMember() ? [AccessPolicies.View, AccessPolicies.Act] : [AccessPolicies.View]);
        }
        if (app is not null)
        {
            // The app's ActionGate is scoped to a circuit: make it here, over bUnit's authentication state.
            context.Services.AddScoped(sp => new ActionGate(
                sp.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(),
                app.GetRequiredService<Dashboard.Infrastructure.Access.UserStore>()));
            context.Services.AddFallbackServiceProvider(app);
        }
        return context;
    }
}
