using System.Text.Json.Nodes;

namespace Dashboard.Web.Api;

// What the API accepts, for the OpenAPI document. The endpoints read their bodies by hand (RequestBody) and
// validate them in Domain, which names every wrong field; these records only describe the accepted shape.

/// <summary>The body of POST /api/experiments. Only family and config are required (or a preset in place of config).</summary>
public sealed record ExperimentSubmissionBody(
    string Family,
    JsonObject? Config = null,
    string? Name = null,
    string? Preset = null,
    SweepBody? Sweep = null,
    IReadOnlyList<string>? Tags = null,
    string? Owner = null,
    string? Notes = null,
    int? Priority = null,
    // "now" (default), "tonight", or an ISO 8601 time.
    string? Schedule = null,
    // Same as schedule (an ISO 8601 time).
    string? NotBefore = null,
    // "cpu", "cuda" or "cuda:<MiB>" (minimum GPU memory).
    string? Device = null,
    int? TimeLimitSeconds = null,
    int? MaxAttempts = null);

/// <summary>A sweep: the grid of axes times seeds (a count or a list), optionally over named configs.</summary>
public sealed record SweepBody(
    IReadOnlyDictionary<string, JsonArray>? Axes = null,
    JsonNode? Seeds = null,
    IReadOnlyDictionary<string, JsonObject>? Configs = null);

/// <summary>The body of PATCH /api/experiments/{id}: tags and/or notes.</summary>
public sealed record ExperimentEditBody(IReadOnlyList<string>? Tags = null, string? Notes = null);

/// <summary>The optional body of POST /api/runs/{id}/rerun: a seed, or the next unused one.</summary>
public sealed record RerunBody(long? Seed = null, bool? NewSeed = null);
