using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Live.Hubs;

/// <summary>
/// SignalR hub at /hubs/runs for JavaScript clients. A client calls Watch(runId) and from then on receives
/// "runChanged" {runId, state, step} and "metricsAppended" {runId}, at most ten of each per run a second,
/// until Unwatch(runId) or it disconnects. Watch answers the run's current state, so nothing is missed between
/// loading a page and watching.
/// </summary>
public sealed class RunHub(RunHubWatchers watchers, RunStatusQuery status, IAuthorizationService authorization)
    : Hub
{
    public const string Path = "/hubs/runs";
    public const string RunChangedMessage = "runChanged";
    public const string MetricsAppendedMessage = "metricsAppended";

    public static string GroupOf(long runId) => $"run:{runId}";

    public async Task<RunChangedEvent> Watch(long runId)
    {
        // Connecting needs a member or a review link (cookie or token); watching asks the View policy about this run.
        if (!(await authorization.AuthorizeAsync(Context.User ?? new(), new ViewedResource.Run(runId), AccessPolicies.View)).Succeeded)
            throw new HubException($"You may not watch run {runId}: a review link shows only its own runs.");
        var current = (await status.ReadAsync([runId], Context.ConnectionAborted)).SingleOrDefault()
            ?? throw new HubException($"Run {runId} does not exist.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);
        watchers.Add(Context.ConnectionId, runId);
        return RunChangedEvent.From(current);
    }

    public async Task Unwatch(long runId)
    {
        watchers.Remove(Context.ConnectionId, runId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        watchers.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
