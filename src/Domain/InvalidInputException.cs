namespace Dashboard.Domain;

/// <summary>Input that failed validation. The web layer turns it into a 400 problem-details response.</summary>
public sealed class InvalidInputException(IReadOnlyList<ValidationError> errors)
    : ArgumentException(string.Join("; ", errors))
{
    public InvalidInputException(string field, string message) : this([new ValidationError(field, message)]) { }

    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
