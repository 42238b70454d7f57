using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Domain;

/// <summary>
/// Text the database can keep: PostgreSQL's text and jsonb refuse the NUL character, and UTF-8 has no form for
/// a lone UTF-16 surrogate. JSON can carry both ("\u0000", "\ud800") and raw bytes that are not UTF-8 at all,
/// so every string and field name of a request is checked before anything is stored (and that no object names
/// a field twice, which parsed JSON allows).
/// </summary>
public static class StoredText
{
    /// <summary>Null when <paramref name="text"/> can be stored, else why not.</summary>
    public static string? Problem(string? text)
    {
        if (text is null) return null;
        if (text.Contains('\0')) return "must not contain the NUL character (\\u0000).";
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else return "contains a lone UTF-16 surrogate; text must be valid Unicode.";
        }
        return null;
    }

    /// <summary>Every string and field name in <paramref name="node"/> that cannot be stored, named by its path under <paramref name="field"/>.</summary>
    public static IReadOnlyList<ValidationError> Problems(JsonNode? node, string field = "body")
    {
        var errors = new List<ValidationError>();
        Walk(node, field, errors);
        return errors;
    }

    /// <summary>Throws an <see cref="InvalidInputException"/> naming every field whose text cannot be stored.</summary>
    public static void Ensure(JsonNode? node, string field = "body")
    {
        if (Problems(node, field) is { Count: > 0 } errors) throw new InvalidInputException(errors);
    }

    private static void Walk(JsonNode? node, string path, List<ValidationError> errors)
    {
        switch (node)
        {
            case null: return;
            case JsonObject obj:
                List<KeyValuePair<string, JsonNode?>> members;
                // Field names of parsed JSON are decoded when first enumerated; undecodable ones throw here.
                try { members = obj.ToList(); }
                catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
                {
                    errors.Add(new(path, "has a field name that is not valid UTF-8 or Unicode text."));
                    return;
                }
                catch (ArgumentException)
                {
                    // Parsed JSON may name a field twice; which one counts would be a guess.
                    errors.Add(new(path, "names a field twice."));
                    return;
                }
                foreach (var (key, value) in members)
                {
                    var child = path == "body" ? key : $"{path}.{key}";
                    if (Problem(key) is { } problem)
                    {
                        errors.Add(new(path == "body" ? "body" : path, $"field name {Printable(key)} {problem}"));
                        continue;
                    }
                    Walk(value, child, errors);
                }
                return;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{(path == "body" ? "" : path)}[{i}]", errors);
                return;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                string text;
                try { text = value.GetValue<string>(); }
                catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
                {
                    errors.Add(new(path, "is not valid UTF-8 or Unicode text."));
                    return;
                }
                if (Problem(text) is { } wrong) errors.Add(new(path, wrong));
                return;
        }
    }

    /// <summary>A field name as a message can show it: control characters and lone surrogates escaped.</summary>
    private static string Printable(string key)
    {
        var text = new StringBuilder("'");
        foreach (var c in key.Length > 60 ? key[..60] : key)
            text.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return text.Append('\'').ToString();
    }
}
