namespace Dashboard.Domain;

/// <summary>One thing wrong with what a user sent, and where (a JSON-path-like field name, e.g. "sweep.axes[0].values").</summary>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
