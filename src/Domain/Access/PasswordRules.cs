namespace Dashboard.Domain.Access;

/// <summary>Length is what makes a password strong; no composition rules, as NIST SP 800-63B advises.</summary>
public static class PasswordRules
{
    public const int MinLength = 10;
    public const int MaxLength = 256;

    public static void Check(string? password, string field = "password")
    {
        if (string.IsNullOrEmpty(password)) throw new InvalidInputException(field, "is required.");
        if (password.Length < MinLength) throw new InvalidInputException(field, $"must be at least {MinLength} characters.");
        if (password.Length > MaxLength) throw new InvalidInputException(field, $"must be at most {MaxLength} characters.");
    }
}
