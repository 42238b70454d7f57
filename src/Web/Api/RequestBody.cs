using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Domain;

namespace Dashboard.Web.Api;

/// <summary>
/// Reads a JSON body by hand so that malformed JSON, or text the database cannot keep, is a 400 naming the
/// problem, not a framework error. That the body is JSON at all is checked before: see <see cref="JsonBodies"/>.
/// </summary>
public static class RequestBody
{
    public const long MaxBytes = 4 * 1024 * 1024;

    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is > MaxBytes)
            throw new InvalidInputException("body", $"is larger than {MaxBytes / 1024 / 1024} MiB.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBytes)
            throw new InvalidInputException("body", $"is larger than {MaxBytes / 1024 / 1024} MiB.");
        if (buffer.Length == 0) return null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidInputException("body", $"is not valid JSON: {e.Message}");
        }
        // NUL, lone surrogates and bytes that are not UTF-8 would fail later, in the database or the answer.
        StoredText.Ensure(node);
        return node;
    }
}
