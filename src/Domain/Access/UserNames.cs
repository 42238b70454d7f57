namespace Dashboard.Domain.Access;

/// <summary>What a user name may be: 1–64 of a–z, 0–9, '.', '_' and '-', starting with a letter or digit; compared case-insensitively.</summary>
public static class UserNames
{
    public const int MaxLength = 64;

    public static string Normalize(string? userName) => (userName ?? "").Trim().ToLowerInvariant();

    /// <summary>The normalised name, or an <see cref="InvalidInputException"/> for <paramref name="field"/> that says what is wrong.</summary>
    public static string Validate(string? userName, string field = "user_name")
    {
        var name = Normalize(userName);
        if (name.Length == 0) throw new InvalidInputException(field, "is required.");
        if (name.Length > MaxLength) throw new InvalidInputException(field, $"must be at most {MaxLength} characters.");
        if (!char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new InvalidInputException(field, "may hold only letters a–z, digits, '.', '_' and '-', and must start with a letter or digit.");
        return name;
    }
}
