using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Workers;
using Dashboard.Domain.Scheduling;
using Dashboard.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Web.Actions;

/// <summary>
/// What users do to experiments, whether from a page or the REST API (both call these, so both validate and
/// refuse alike): create one from a request, change its tags and notes, cancel its runs, delete it.
/// </summary>
public sealed class ExperimentActions(
    FamilyCatalogue catalogue, RunQueue queue, NpgsqlDataSource dataSource, IDbContextFactory<DashboardDbContext> db,
    ArtifactStore artifacts, DashboardOptions options, TimeProvider clock, WorkerCapacity capacity)
{
    /// <summary>
    /// Validates a request (the JSON body of POST /api/experiments, or what the new-experiment page builds) and
    /// enqueues its runs in one transaction. Bad input is an <see cref="Domain.InvalidInputException"/> naming
    /// every wrong field; nothing is stored then.
    /// </summary>
    /// <param name="caller">The signed-in member's user name: they own what they queue, unless the request names an owner.</param>
    public async Task<RunQueue.Enqueued> CreateAsync(JsonNode? request, string? caller = null, CancellationToken ct = default)
    {
        var submission = Parse(request);
        if (submission.Owner.Length == 0 && caller is { Length: > 0 })
            submission = submission with { Owner = caller };
        return await queue.EnqueueAsync(submission, ct);
    }

    /// <summary>
    /// A warning (not a refusal: a worker may come later) when no worker that ever registered could serve
    /// <paramref name="device"/>; null when one could.
    /// </summary>
    public async Task<string?> DeviceWarningAsync(DeviceRequirement device, CancellationToken ct = default) =>
        WaitingReason.For(device, await capacity.EverAsync(ct), "registered") is { } reason
            ? $"No worker that ever registered can serve '{device}' ({reason}); the runs wait until such a worker starts."
            : null;

    /// <summary>The same validation as <see cref="CreateAsync"/> without storing anything (the page's live check).</summary>
    public ExperimentSubmission Parse(JsonNode? request) =>
        ExperimentRequest.Parse(request, catalogue, clock.GetUtcNow(), options.TonightAt);

    /// <summary>Changes tags and/or notes. Returns the experiment as stored, or null when there is none.</summary>
    public async Task<Experiment?> EditAsync(long experimentId, ExperimentEdit edit, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var experiment = await context.Experiments.SingleOrDefaultAsync(e => e.Id == experimentId, ct);
        if (experiment is null) return null;
        if (edit.Tags is { } tags) experiment.Tags = tags.ToArray();
        if (edit.Notes is { } notes) experiment.Notes = notes;
        await context.SaveChangesAsync(ct);
        return experiment;
    }

    /// <summary>Cancels every unfinished run. Returns how many were cancelled or asked to stop; null without such an experiment.</summary>
    public async Task<int?> CancelAsync(long experimentId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        if (!await context.Experiments.AnyAsync(e => e.Id == experimentId, ct)) return null;
        return await queue.CancelExperimentAsync(experimentId, ct);
    }

    /// <summary>
    /// Deletes the experiment with its runs, metrics and artifacts (rows and files). Refuses, changing nothing,
    /// while any of its runs is running: a worker is writing to it. Returns false when there is no such experiment.
    /// </summary>
    public async Task<bool> DeleteAsync(long experimentId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Locking the runs first makes claimers (FOR UPDATE SKIP LOCKED) pass them by while we decide.
        var runs = new List<(long Id, string State)>();
        await using (var lockRuns = new NpgsqlCommand(
            "SELECT id, state FROM runs WHERE experiment_id = $1 ORDER BY id FOR UPDATE", connection, tx))
        {
            lockRuns.Parameters.AddWithValue(experimentId);
            await using var reader = await lockRuns.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) runs.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        var running = runs.Where(r => r.State == "running").Select(r => r.Id).ToList();
        if (running.Count > 0)
            throw new ActionConflictException(
                $"Experiment {experimentId} has {running.Count} running run{(running.Count == 1 ? "" : "s")} " +
                $"({string.Join(", ", running.Select(id => $"#{id}"))}); cancel {(running.Count == 1 ? "it" : "them")} first " +
                "(a running run stops within seconds), then delete.");
        int deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM experiments WHERE id = $1", connection, tx))
        {
            delete.Parameters.AddWithValue(experimentId);
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        foreach (var (id, _) in runs) await artifacts.DeleteRunFilesAsync(id, CancellationToken.None);
        return deleted > 0;
    }
}
