using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Web.Access;

/// <summary>The <see cref="AccessPolicies.View"/> requirement: a member, or a review-link visitor whose link covers what is shown.</summary>
public sealed class ViewRequirement : IAuthorizationRequirement;

/// <summary>
/// Decides <see cref="ViewRequirement"/>. The resource is the HttpContext for requests (pages and API) and
/// the RouteData for navigations inside a Blazor circuit; both are reduced to a <see cref="ViewedResource"/>.
/// </summary>
public sealed class ViewAccessHandler(IDbContextFactory<DashboardDbContext> db) : AuthorizationHandler<ViewRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ViewRequirement requirement)
    {
        if (context.User.IsMember())
        {
            context.Succeed(requirement);
            return;
        }
        if (ReviewSession.Of(context.User) is not { } session) return;
        var resource = context.Resource switch
        {
            HttpContext http => ViewedResource.FromPath(http.Request.Path),
            Microsoft.AspNetCore.Components.RouteData route => ViewedResource.FromRoute(route),
            ViewedResource viewed => viewed, // the hub asks about the run a client wants to watch
            _ => new ViewedResource.Other(),
        };
        if (await CoversAsync(session.Target, resource)) context.Succeed(requirement);
    }

    private async Task<bool> CoversAsync(ReviewTarget target, ViewedResource resource)
    {
        switch (resource)
        {
            case ViewedResource.Experiment e:
                return target.CoversExperiment(e.Id);
            case ViewedResource.Run r:
                return target.CoversRun(r.Id, target.Kind == ReviewTargetKind.Experiment ? await ExperimentOfAsync(r.Id) : null);
            case ViewedResource.Comparison c:
                var experiments = new List<long?>();
                if (target.Kind == ReviewTargetKind.Experiment)
                    foreach (var id in c.RunIds) experiments.Add(await ExperimentOfAsync(id));
                return target.CoversComparison(c.RunIds, experiments);
            default:
                return false;
        }
    }

    private async Task<long?> ExperimentOfAsync(long runId)
    {
        await using var context = await db.CreateDbContextAsync();
        return await context.Runs.Where(r => r.Id == runId).Select(r => (long?)r.ExperimentId).SingleOrDefaultAsync();
    }
}
