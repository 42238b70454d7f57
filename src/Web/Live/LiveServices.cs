using Dashboard.Web.Access;
using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Live.Hubs;

namespace Dashboard.Web.Live;

/// <summary>Registers live updates (the LISTEN feed, the hub and its relay) and the queries the run and compare pages read.</summary>
public static class LiveServices
{
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services)
    {
        services.AddSingleton<RunChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<RunChangeFeed>());
        services.AddSingleton<RunDetailQuery>();
        services.AddSingleton<RunSearchQuery>();
        services.AddSingleton<RunStatusQuery>();
        services.AddSignalR();
        services.AddSingleton<RunHubWatchers>();
        services.AddSingleton<RunHubRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RunHubRelay>());
        return services;
    }

    public static IEndpointRouteBuilder MapLiveUpdates(this IEndpointRouteBuilder app)
    {
        // Members and review-link sessions connect; Watch asks the View policy about each run.
        app.MapHub<RunHub>(RunHub.Path).RequireAuthorization(policy => policy.RequireAuthenticatedUser());
        return app;
    }
}
