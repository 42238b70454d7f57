using System.Text.Json.Nodes;

namespace Dashboard.Domain.Experiments;

/// <summary>
/// What may change on an experiment after it was queued: its tags and notes (the config and runs are fixed;
/// a changed config is a new experiment). Null leaves a field as it is.
/// <code>{"tags": ["baseline", "depth"], "notes": "HC diverges past 48 layers"}</code>
/// </summary>
public sealed record ExperimentEdit(IReadOnlyList<string>? Tags, string? Notes)
{
    public const int MaxNotesLength = 20_000;

    public static ExperimentEdit Parse(JsonNode? body)
    {
        if (body is not JsonObject edit)
            throw new InvalidInputException("body", "must be a JSON object with 'tags' and/or 'notes'.");
        StoredText.Ensure(edit);
        var errors = new List<ValidationError>();
        foreach (var (field, _) in edit)
            if (field is not ("tags" or "notes"))
                errors.Add(new(field, "cannot be changed; an experiment's tags and notes can."));
        if (!edit.ContainsKey("tags") && !edit.ContainsKey("notes"))
            errors.Add(new("body", "must contain 'tags' and/or 'notes'."));

        IReadOnlyList<string>? tags = edit.ContainsKey("tags") ? ExperimentRequest.Tags(edit, errors) : null;
        string? notes = null;
        switch (edit["notes"])
        {
            case null when edit.ContainsKey("notes"): notes = ""; break;
            case null: break;
            case JsonValue v when v.TryGetValue<string>(out var text):
                notes = text;
                if (text.Length > MaxNotesLength) errors.Add(new("notes", $"must be at most {MaxNotesLength} characters."));
                break;
            default: errors.Add(new("notes", "must be a string.")); break;
        }
        if (errors.Count > 0) throw new InvalidInputException(errors);
        return new ExperimentEdit(tags, notes);
    }

    /// <summary>Tags as a person types them: separated by commas (or lines), trimmed, without repeats.</summary>
    public static JsonArray TagsFromText(string? text) =>
        new((text ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
}
