namespace Dashboard.Domain.Artifacts;

/// <summary>Rules for artifact names: relative paths that can never leave the run's folder.</summary>
public static class ArtifactName
{
    public const int MaxLength = 255;

    /// <summary>Null when <paramref name="name"/> is acceptable, else why not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "an artifact name must not be empty.";
        if (name.Length > MaxLength) return $"an artifact name must be at most {MaxLength} characters.";
        if (name.StartsWith('/') || name.Contains('\\') || name.Contains(':'))
            return $"'{name}' must be a relative path with '/' separators.";
        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or "." or "..")
                return $"'{name}' has an empty, '.' or '..' segment; names must stay inside the run's folder.";
            if (segment.Any(c => char.IsControl(c)))
                return $"'{name}' contains control characters.";
        }
        return null;
    }

    public static void Ensure(string? name)
    {
        if (Problem(name) is { } problem) throw new InvalidInputException("name", problem);
    }
}
