using System.Text;

namespace Dashboard.Infrastructure.Artifacts;

/// <summary>The last lines of a run's log, and how big the whole log is (so a page can tell it is not all shown).</summary>
public sealed record RunLogTail(IReadOnlyList<string> Lines, long TotalBytes, bool Truncated)
{
    /// <summary>The log's name in the run's folder; the worker appends to it while the run goes on.</summary>
    public const string FileName = "log.txt";

    public static readonly RunLogTail None = new([], 0, false);

    /// <summary>
    /// Reads at most the last <paramref name="maxBytes"/> of the run's log. The worker writes the file while we
    /// read, so a cut first line is dropped and a missing file is an empty log, never an error.
    /// </summary>
    public static async Task<RunLogTail> ReadAsync(ArtifactStore store, long runId, int maxBytes = 64 * 1024,
        CancellationToken ct = default)
    {
        try
        {
            // Never through a link: the run's own code can write its folder.
            await using var file = await store.OpenLogAsync(runId, ct);
            if (file is null) return None;
            var total = file.Length;
            var start = Math.Max(0, total - maxBytes);
            file.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[total - start];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await file.ReadAsync(buffer.AsMemory(read), ct);
                if (n == 0) break;
                read += n;
            }
            var lines = Encoding.UTF8.GetString(buffer, 0, read).Split('\n').ToList();
            if (start > 0 && lines.Count > 1) lines.RemoveAt(0);
            if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
            return new RunLogTail(lines.Select(l => l.TrimEnd('\r')).ToList(), total, start > 0);
        }
        catch (FileNotFoundException) { return None; }
        catch (Files.LinkRefusedException) { return None; }
        catch (DirectoryNotFoundException) { return None; }
    }
}
