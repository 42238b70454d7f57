using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace Dashboard.Web.Tests.Api;

/// <summary>How a hostile request authenticates: as a script, as a browser (with or without the custom header), or not at all.</summary>
public enum HostileCaller { Token, BadToken, Cookie, CookieWithHeader, Anonymous }

/// <summary>One generated request: what the fuzz test sends and prints when the answer is wrong.</summary>
public sealed record HostileRequest(string Method, string Path, byte[]? Body, string? ContentType, HostileCaller Caller)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Method} {Path} as {Caller} [{ContentType ?? "no content type"}] {(body.Length > 400 ? body[..400] + "…" : body)}";
    }
}

/// <summary>
/// FsCheck generators of hostile requests for the API's routes: route values that are not ids, query strings
/// with NUL, overlong numbers and bad encodings, and JSON bodies shaped like the API's documents but holding
/// NUL, lone surrogates, raw bytes that are not UTF-8, huge or wrongly typed numbers, deep nesting and sweeps
/// whose run count overflows.
/// </summary>
public static partial class HostileRequests
{
    private static readonly string[] Fields =
    [
        "name", "family", "preset", "config", "sweep", "tags", "owner", "notes", "priority", "schedule", "not_before",
        "device", "time_limit_seconds", "max_attempts", "seed", "new_seed",
    ];

    private static readonly string[] QueryNames =
    [
        "search", "family", "tag", "state", "owner", "sort", "page", "pageSize", "experimentId", "limit", "key",
        "maxPoints", "fromStep", "format", "includeStopped",
    ];

    /// <summary>Text a hostile client might send, as .NET strings (NUL, lone surrogates, control and format characters, SQL, paths).</summary>
    public static Gen<string> Text() => Gen.Frequency(
        (6, Gen.Elements("", " ", "\0", "a\0b", "\ud800", "x\udc00", "\udbff\udbff", "💥", "\u202e", "\r\n", "\t",
            "'; DROP TABLE runs; --", "%", "_", "\\", "../../etc/passwd", "..%2F..%2F", "<script>alert(1)</script>", "null",
            "true", "now", "tonight", "cuda", "cuda:-5", "cuda:99999999999", "cpu", "2026-13-45T99:99:99Z",
            "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "-1", "NaN", "1e400", "command", "ngpt", "{seed}", "${HOME}")),
        (2, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
        (1, Gen.Choose(1000, 70_000).Select(n => new string('a', n))));

    /// <summary>A number as JSON text: the edges of int, long and double, and beyond them.</summary>
    public static Gen<string> Number() => Gen.Frequency(
        (4, Gen.Elements("0", "-0", "1", "-1", "0.5", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "1e400", "-1e400", "1e-400", "1e308", "4.9e-324", "3",
            "10000", "10001", "100000000000000000000000000000")),
        (1, ArbMap.Default.GeneratorFor<long>().Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))));

    /// <summary>A JSON string literal; sometimes with escapes of NUL and lone surrogates written out, as a client would.</summary>
    public static Gen<string> StringLiteral() => Gen.Frequency(
        (5, Text().Select(s => JsonSerializer.Serialize(s))),
        (2, Gen.Elements("\"\\u0000\"", "\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\"", "\"\\u0000\\u0000\"", "\"ok\"")));

    /// <summary>Any JSON value, nested up to the size.</summary>
    public static Gen<string> Value() => Gen.Sized(size => Value(Math.Min(size, 6)));

    private static Gen<string> Value(int depth)
    {
        var leaf = Gen.Frequency((3, StringLiteral()), (3, Number()), (1, Gen.Elements("true", "false", "null")));
        if (depth <= 0) return leaf;
        return Gen.Frequency(
            (4, leaf),
            (1, Gen.ListOf(Value(depth - 1), 4).Select(items => "[" + string.Join(",", items) + "]")),
            (1, Object(Value(depth - 1), 4)),
            (1, Gen.Choose(60, 300).Select(n => new string('[', n) + new string(']', n))));
    }

    private static Gen<string> Object(Gen<string> values, int maxFields) =>
        Gen.ListOf(Gen.Zip(Gen.Frequency((3, Gen.Elements(Fields).Select(f => JsonSerializer.Serialize(f))), (1, StringLiteral())), values), maxFields)
            .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"{p.Item1}:{p.Item2}")) + "}");

    /// <summary>A sweep: a few axes (or very many, whose product overflows a long), seeds as a count or a list, named configs.</summary>
    public static Gen<string> Sweep() => Gen.Frequency(
        (3, Gen.Zip(Gen.Choose(0, 4), Gen.Choose(1, 4)).Select(t =>
            $"{{\"axes\": {{{string.Join(",", Enumerable.Range(0, t.Item1).Select(i => $"\"a{i}\": [{string.Join(",", Enumerable.Range(0, t.Item2))}]"))}}}}}")),
        (2, Gen.Zip(Gen.Choose(40, 80), Gen.Choose(2, 3)).Select(t =>
            $"{{\"axes\": {{{string.Join(",", Enumerable.Range(0, t.Item1).Select(i => $"\"a{i}\": [{string.Join(",", Enumerable.Range(0, t.Item2))}]"))}}}}}")),
        (2, Number().Select(n => $"{{\"seeds\": {n}}}")),
        (1, Gen.ListOf(Number(), 6).Select(seeds => $"{{\"seeds\": [{string.Join(",", seeds)}]}}")),
        (1, Object(Object(Value(1), 3), 3).Select(configs => $"{{\"configs\": {configs}}}")),
        (2, Value()));

    /// <summary>An experiment request: mostly well formed, with hostile values in some fields.</summary>
    public static Gen<string> Experiment() =>
        from family in Gen.Frequency((5, Gen.Constant("\"command\"")), (1, StringLiteral()), (1, Value()))
        from command in Gen.Frequency((3, Gen.Constant("\"true\"")), (2, StringLiteral()), (1, Value()))
        from env in Gen.Frequency((3, Gen.Constant("")), (1, Object(StringLiteral(), 3).Select(e => $", \"env\": {e}")))
        from extra in Gen.Frequency(
            (1, Gen.Constant<IReadOnlyList<(string, string)>>([])), // valid ones too, so that writes reach the database
            (3, Gen.ListOf(Gen.Zip(Gen.Elements(Fields), Gen.Frequency((2, StringLiteral()), (2, Number()), (1, Value()))), 4)
                .Select(l => (IReadOnlyList<(string, string)>)l.ToList())))
        from sweep in Gen.Frequency((2, Gen.Constant("")), (3, Sweep().Select(s => $", \"sweep\": {s}")))
        select $"{{\"family\": {family}, \"config\": {{\"command\": {command}{env}}}{sweep}" +
               string.Concat(extra.Where(f => f.Item1 is not ("family" or "config" or "sweep")).DistinctBy(f => f.Item1)
                   .Select(f => $", \"{f.Item1}\": {f.Item2}")) + "}";

    /// <summary>A body as bytes: JSON text, sometimes cut short or with bytes that are not UTF-8 spliced into a string.</summary>
    public static Gen<byte[]> Body() =>
        from text in Gen.Frequency((5, Experiment()), (2, Object(Value(2), 4)), (2, Value()),
            (1, Gen.Elements("", "{", "[", "{\"a\":", "\uFEFF{}", "{} {}", "{\"family\": \"command\"} trailing")))
        from damage in Gen.Frequency(
            (6, Gen.Constant<Func<byte[], byte[]>>(b => b)),
            (1, Gen.Elements<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00])
                .Select<byte[], Func<byte[], byte[]>>(bad => b => SpliceIntoString(b, bad))),
            (1, Gen.Choose(0, 100).Select<int, Func<byte[], byte[]>>(percent => b => b[..(b.Length * percent / 100)])))
        select damage(Encoding.UTF8.GetBytes(text));

    /// <summary>A query string of a few parameters, known names mostly, values percent-encoded (or raw escapes like %00, %FF).</summary>
    public static Gen<string> Query() =>
        Gen.ListOf(Gen.Zip(
                Gen.Frequency((6, Gen.Elements(QueryNames)), (1, Text().Select(Escape)), (1, Gen.Elements("%00", "a%00b", "%FF"))),
                Gen.Frequency((3, Text().Select(Escape)), (3, Number()),
                    (2, Gen.Elements("%00", "a%00", "%FF", "%ED%A0%80", "%C0%80", "%", "%%", "%2", "2147483647", "-2147483648", "abc")))), 4)
            .Select(pairs => pairs.Count == 0 ? "" : "?" + string.Join("&", pairs.Select(p => $"{p.Item1}={p.Item2}")));

    /// <summary>A route value: an id, an id-like string or a hostile path.</summary>
    public static Gen<string> RouteValue(IReadOnlyList<long> ids, bool catchAll) => Gen.Frequency(
        (4, Gen.Elements(ids.ToArray()).Select(id => id.ToString(CultureInfo.InvariantCulture))),
        (2, Number()),
        (1, Gen.Elements("abc", "%00", "1%00", "0x10", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%252e%252e%252fkeys", "a%2Fb%00c")),
        (catchAll ? 3 : 0, Text().Select(Escape)));

    /// <summary>Requests to the given routes (method, pattern with {param} holes), with ids from <paramref name="ids"/>.</summary>
    public static Gen<HostileRequest> For(IReadOnlyList<(string Method, string Pattern)> routes, IReadOnlyList<long> ids) =>
        from route in Gen.Elements(routes.ToArray())
        from values in Gen.ArrayOf(RouteValue(ids, route.Pattern.Contains("{**", StringComparison.Ordinal)), Holes(route.Pattern))
        from query in Gen.Frequency((1, Gen.Constant("")), (2, Query()))
        from body in route.Method is "GET" or "HEAD" ? Gen.Constant<byte[]?>(null) : Gen.Frequency((1, Gen.Constant<byte[]?>(null)), (6, Body().Select(b => (byte[]?)b)))
        from contentType in Gen.Frequency((12, Gen.Constant<string?>("application/json")), (1, Gen.Constant<string?>(null)),
            (1, Gen.Elements<string?>("text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/problem+json", "*/*")))
        from caller in Gen.Frequency((14, Gen.Constant(HostileCaller.Token)), (1, Gen.Constant(HostileCaller.BadToken)),
            (1, Gen.Constant(HostileCaller.Cookie)), (2, Gen.Constant(HostileCaller.CookieWithHeader)), (1, Gen.Constant(HostileCaller.Anonymous)))
        select new HostileRequest(route.Method, Fill(route.Pattern, values) + query, body, body is null ? null : contentType, caller);

    private static int Holes(string pattern) => Hole().Matches(pattern).Count;

    private static string Fill(string pattern, string[] values)
    {
        var i = 0;
        return Hole().Replace(pattern, _ => values[i++]);
    }

    /// <summary>Percent-encodes text as a client would (a lone surrogate cannot be: it goes as %EF%BF%BD, or raw where the escaper refuses).</summary>
    private static string Escape(string text)
    {
        try { return Uri.EscapeDataString(text.Length > 2000 ? text[..2000] : text); }
        catch (UriFormatException) { return "%EF%BF%BD"; }
    }

    private static byte[] SpliceIntoString(byte[] json, byte[] bad)
    {
        var quote = Array.IndexOf(json, (byte)'"', Math.Min(json.Length, 1));
        if (quote < 0) return [.. json, .. bad];
        return [.. json[..(quote + 1)], .. bad, .. json[(quote + 1)..]];
    }

    [GeneratedRegex(@"\{(\*\*)?[A-Za-z]+(:[^}]*)?\}")]
    private static partial Regex Hole();
}
