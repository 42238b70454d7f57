using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Dashboard.Web.Tests.OpenApi;

/// <summary>
/// The app's own /openapi/v1.json as a checker of answers: for a route template, method and status it says whether
/// the document lists that answer, with that content type, and whether the body validates against its JSON Schema
/// (JSON Schema 2020-12, as OpenAPI 3.1 uses; components become $defs).
/// </summary>
public sealed partial class ApiContract(JsonObject document)
{
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private readonly string _defs = ComponentRefs().Replace(document["components"]?["schemas"]?.ToJsonString() ?? "{}", "#/$defs/");

    public JsonObject Document { get; } = document;

    public static ApiContract Parse(string json) => new(JsonNode.Parse(json)!.AsObject());

    /// <summary>The path template of the document for an endpoint's route pattern ("/api/runs/{id:long}" → "/api/runs/{id}").</summary>
    public static string PathOf(string routePattern) =>
        Constraint().Replace(routePattern.Replace("**", "").Replace("*", ""), "{${name}}") is var path && path.Length > 1 ? path.TrimEnd('/') : path;

    /// <summary>What is wrong with this answer, or null when the document describes it.</summary>
    public string? Check(string path, string method, int status, string? contentType, string body)
    {
        var what = $"{method} {path} → {status}";
        if (Document["paths"]?[path] is not JsonObject operations) return $"{what}: the path is not in the document.";
        if (operations[method.ToLowerInvariant()] is not JsonObject operation) return $"{what}: the method is not in the document.";
        if (operation["responses"]?[status.ToString()] is not JsonObject response) return $"{what}: the status is not documented.";
        if (body.Length == 0 || Microsoft.AspNetCore.Http.HttpMethods.IsHead(method)) return null;
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        if (response["content"] is not JsonObject content) return $"{what}: answered a {mediaType} body where the document says none.";
        if ((content[mediaType] ?? content["*/*"]) is not JsonObject media)
            return $"{what}: answered {mediaType}; the document lists {string.Join(", ", content.Select(c => c.Key))}.";
        if (!mediaType.EndsWith("json", StringComparison.Ordinal) || media["schema"] is not JsonNode schema) return null;

        var validator = _schemas.GetOrAdd(ComponentRefs().Replace(schema.ToJsonString(), "#/$defs/"), SchemaOf);
        using var instance = JsonDocument.Parse(body);
        var result = validator.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return null;
        var errors = result.Details?.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")) ?? [];
        return $"{what}: the body does not match the document's schema: {string.Join("; ", errors.Take(8))}. Body: {Shorten(body)}";
    }

    private JsonSchema SchemaOf(string schema)
    {
        var root = JsonNode.Parse(schema) is JsonObject o ? o : new JsonObject { ["allOf"] = new JsonArray(JsonNode.Parse(schema)) };
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = JsonNode.Parse(_defs);
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private static string Shorten(string body) => body.Length <= 600 ? body : body[..600] + "…";

    [GeneratedRegex("#/components/schemas/")]
    private static partial Regex ComponentRefs();

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
