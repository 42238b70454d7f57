namespace Dashboard.Infrastructure.Artifacts;

/// <summary>Content types for the files runs usually keep, so browsers show logs and images inline.</summary>
public static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain; charset=utf-8",
        [".log"] = "text/plain; charset=utf-8",
        [".json"] = "application/json",
        [".jsonl"] = "application/x-ndjson",
        [".csv"] = "text/csv",
        [".md"] = "text/markdown; charset=utf-8",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".svg"] = "image/svg+xml",
        [".html"] = "text/plain; charset=utf-8", // never rendered: a run's HTML must not script our origin
        [".safetensors"] = "application/octet-stream",
    };

    public static string Guess(string name) =>
        ByExtension.TryGetValue(Path.GetExtension(name), out var type) ? type : "application/octet-stream";
}
