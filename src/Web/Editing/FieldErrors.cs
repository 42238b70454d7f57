using Dashboard.Domain;

namespace Dashboard.Web.Editing;

/// <summary>Finds the validation messages that belong under one input of a form.</summary>
public static class FieldErrors
{
    /// <summary>
    /// Messages for <paramref name="field"/> itself and, with <paramref name="nested"/>, for its parts
    /// ("tags[1]", "sweep.seeds"), those prefixed with the part's name. Null when there are none.
    /// </summary>
    public static string? For(this IReadOnlyList<ValidationError> errors, string field, bool nested = false)
    {
        var messages = errors
            .Where(e => e.Field == field || (nested && (e.Field.StartsWith(field + ".", StringComparison.Ordinal)
                                                        || e.Field.StartsWith(field + "[", StringComparison.Ordinal))))
            .Select(e => e.Field == field ? e.Message : $"{e.Field[(field.Length + (e.Field[field.Length] == '.' ? 1 : 0))..]}: {e.Message}")
            .Distinct()
            .ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }
}
