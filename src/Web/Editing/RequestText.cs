using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dashboard.Web.Editing;

/// <summary>
/// An experiment request as text, YAML or JSON, for the new-experiment page's editor. Both forms hold the
/// same document as the REST API's body. Reading uses YamlDotNet; writing is a small emitter of our own so
/// numbers keep their shortest form (0.003, not 0.0030000000000000001) and flat lists stay on one line.
/// </summary>
public static partial class RequestText
{
    // Relaxed escaping: a command's '>' or 'ü' stays readable (the text is shown in a textarea, never as HTML).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
        { "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~" };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-/]*$")]
    private static partial Regex PlainKey();

    // Plain (unquoted) text: starts with a letter, no YAML indicators (: # , [ ] { } and quotes), no edge spaces.
    [GeneratedRegex(@"^[A-Za-z_/](?:[A-Za-z0-9_ ./()+=@~^$%\-]*[A-Za-z0-9_./()+=@~^$%\-])?$")]
    private static partial Regex PlainText();

    [GeneratedRegex(@"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex NumberText();

    public static string ToJson(JsonNode node) => node.ToJsonString(Indented);

    public static string ToYaml(JsonObject document)
    {
        var text = new StringBuilder();
        WriteMapping(text, document, 0);
        return text.ToString();
    }

    /// <summary>Reads a JSON object; a <see cref="FormatException"/> says where it is malformed.</summary>
    public static JsonObject ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new FormatException("The document must be an object ({ … }).");
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not valid JSON: {e.Message}");
        }
    }

    /// <summary>Reads a YAML mapping; a <see cref="FormatException"/> says where it is malformed.</summary>
    public static JsonObject ParseYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"Not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0) return [];
        return ToJson(stream.Documents[0].RootNode) as JsonObject
               ?? throw new FormatException("The document must be a mapping (name: value lines).");
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p =>
            KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException($"Unsupported YAML at line {node.Start.Line}."),
    };

    /// <summary>Plain scalars are typed as YAML 1.2's core schema types them; quoted ones are always text.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(value);
        if (value is "" or "~" || value.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(true);
        if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(false);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (NumberText().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number)) return JsonValue.Create(number);
        return JsonValue.Create(value);
    }

    private static void WriteMapping(StringBuilder text, JsonObject map, int indent)
    {
        foreach (var (key, value) in map)
        {
            text.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }: text.Append(" {}\n"); break;
            case JsonObject child:
                text.Append('\n');
                WriteMapping(text, child, indent + 2);
                break;
            case JsonArray { Count: 0 }: text.Append(" []\n"); break;
            case JsonArray list when list.All(v => v is null or JsonValue):
                text.Append(" [").Append(string.Join(", ", list.Select(Scalar))).Append("]\n");
                break;
            case JsonArray list:
                text.Append('\n');
                foreach (var item in list)
                {
                    text.Append(' ', indent + 2).Append('-');
                    if (item is JsonObject { Count: > 0 } itemMap)
                    {
                        text.Append('\n');
                        WriteMapping(text, itemMap, indent + 4);
                    }
                    else WriteValue(text, item, indent + 2);
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && IsBlock(v.GetValue<string>()):
                // Multi-line text (a script) reads best as a literal block, exactly as typed.
                text.Append(" |-\n");
                foreach (var line in v.GetValue<string>().Split('\n'))
                    (line.Length == 0 ? text : text.Append(' ', indent + 2).Append(line)).Append('\n');
                break;
            default: text.Append(' ').Append(Scalar(value)).Append('\n'); break;
        }
    }

    /// <summary>Text a literal block keeps exactly: several lines, no trailing newline, no leading space or control characters.</summary>
    private static bool IsBlock(string text) =>
        text.Contains('\n') && !text.EndsWith('\n') && !text.StartsWith(' ') && !text.StartsWith('\n')
        && text.All(c => c == '\n' || !char.IsControl(c)) && text.Split('\n').All(l => l.Length == 0 || !char.IsWhiteSpace(l[^1]));

    private static string Key(string key) => PlainKey().IsMatch(key) && !Reserved.Contains(key) ? key : JsonSerializer.Serialize(key, Compact);

    private static string Scalar(JsonNode? value)
    {
        if (value is null) return "null";
        if (value.GetValueKind() != JsonValueKind.String) return value.ToJsonString();
        var text = value.GetValue<string>();
        // JSON's double-quoted strings are valid YAML too; plain only where YAML could not misread it.
        return PlainText().IsMatch(text) && !Reserved.Contains(text) ? text : JsonSerializer.Serialize(text, Compact);
    }
}
