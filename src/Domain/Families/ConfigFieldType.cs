namespace Dashboard.Domain.Families;

public enum ConfigFieldType
{
    Integer,
    Number,
    Boolean,
    Text,
    Choice,
    /// <summary>An object of string values (environment variables).</summary>
    TextMap,
}
