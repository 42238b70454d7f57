using System.Text;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Python's json.dumps writes NaN, Infinity and -Infinity as bare tokens, which JSON does not allow. They are
/// how divergence shows, so lines with them are rewritten with the tokens quoted ("NaN") before parsing again.
/// </summary>
internal static class NonFiniteLiterals
{
    private static readonly string[] Tokens = ["-Infinity", "Infinity", "NaN"];

    /// <summary>The line with bare non-finite tokens outside strings put in quotes; null when it has none.</summary>
    public static string? Quote(string json)
    {
        StringBuilder? result = null;
        var copiedUpTo = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                continue;
            }
            if (TokenAt(json, i) is not { } token) continue;
            result ??= new StringBuilder(json.Length + 16);
            result.Append(json, copiedUpTo, i - copiedUpTo).Append('"').Append(token).Append('"');
            i += token.Length - 1;
            copiedUpTo = i + 1;
        }
        return result?.Append(json, copiedUpTo, json.Length - copiedUpTo).ToString();
    }

    private static string? TokenAt(string json, int i)
    {
        // Only a whole token counts: not the inside of a longer word or number.
        if (i > 0 && (char.IsLetterOrDigit(json[i - 1]) || json[i - 1] is '_' or '.')) return null;
        foreach (var token in Tokens)
        {
            var after = i + token.Length;
            if (string.CompareOrdinal(json, i, token, 0, token.Length) == 0 &&
                (after == json.Length || !char.IsLetterOrDigit(json[after]) && json[after] != '_'))
                return token;
        }
        return null;
    }
}
