using System.Security.Cryptography;
using Dashboard.Domain;
using Dashboard.Domain.Artifacts;
using Npgsql;

namespace Dashboard.Infrastructure.Artifacts;

/// <summary>
/// Files per run under <c>{root}/runs/{runId}/</c>, with size and SHA-256 recorded in the artifacts table.
/// Names are checked twice (by the domain rule and by resolving the path) so nothing can leave the run's folder,
/// and files are read without following links (<see cref="Files.ConfinedFiles"/>): a run's folder is written by
/// untrusted code, which may plant links to the dashboard's own secrets.
/// With a <paramref name="bucket"/> (an S3-compatible store) the folder is only the worker's working copy: each file
/// recorded is uploaded from the very handle it was hashed through, and the bucket serves the bytes, so workers on
/// other hosts need no folder shared with the web app.
/// </summary>
public sealed class ArtifactStore(NpgsqlDataSource dataSource, string rootDirectory, Remote.S3ArtifactBucket? bucket = null)
{
    public string Root { get; } = Path.GetFullPath(rootDirectory);

    /// <summary>The S3-compatible bucket that holds the recorded bytes; null when the local folder does.</summary>
    public Remote.S3ArtifactBucket? Bucket => bucket;

    public string RunFolder(long runId) => Path.Combine(Root, RelativeRunFolder(runId));

    private static string RelativeRunFolder(long runId) => "runs/" + runId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The full path of an artifact, or an <see cref="InvalidInputException"/> for a name that would escape.</summary>
    public string PathOf(long runId, string name)
    {
        ArtifactName.Ensure(name);
        var folder = RunFolder(runId) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(folder, name));
        if (!full.StartsWith(folder, StringComparison.Ordinal))
            throw new InvalidInputException("name", $"'{name}' resolves outside the run's folder.");
        return full;
    }

    /// <summary>Streams content into the store (replacing an artifact of the same name) and records it.</summary>
    public async Task<Artifact> SaveAsync(long runId, string name, Stream content, string? contentType = null,
        CancellationToken ct = default)
    {
        var path = PathOf(runId, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // CreateDirectory follows links; refuse to write through one the run planted.
        var parent = Path.GetDirectoryName(Path.GetRelativePath(Root, path))!.Replace(Path.DirectorySeparatorChar, '/');
        Files.FolderWalk.OpenBelow(Root, parent).Dispose();
        var temporary = path + ".partial-" + Guid.NewGuid().ToString("N");
        long size = 0;
        string sha;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    size += read;
                }
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        contentType ??= ContentTypes.Guess(name);
        if (bucket is not null)
        {
            await using var file = Files.ConfinedFiles.OpenRead(Root, RelativeRunFolder(runId) + "/" + name)
                ?? throw new FileNotFoundException($"'{name}' vanished from run {runId}'s folder.", name);
            await bucket.UploadAsync(runId, name, file, size, contentType, ct);
        }
        return await RecordAsync(runId, name, size, sha, contentType, ct);
    }

    /// <summary>
    /// Records a file that already sits in the run's folder (a script wrote it to its output folder). Throws
    /// <see cref="Files.LinkRefusedException"/> when it, or a folder on its way, is a link or not a regular file.
    /// </summary>
    public async Task<Artifact> RecordExistingAsync(long runId, string name, CancellationToken ct = default)
    {
        ArtifactName.Ensure(name);
        await using var file = Files.ConfinedFiles.OpenRead(Root, RelativeRunFolder(runId) + "/" + name)
            ?? throw new FileNotFoundException($"'{name}' is not in run {runId}'s folder.", name);
        var size = file.Length;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        var contentType = ContentTypes.Guess(name);
        // Uploaded through the same handle: what the bucket gets is what was hashed, never what a link points at.
        if (bucket is not null) await bucket.UploadAsync(runId, name, file, size, contentType, ct);
        return await RecordAsync(runId, name, size, sha, contentType, ct);
    }

    /// <summary>Records every file under the run's folder that is not recorded yet, or changed since.</summary>
    public async Task<IReadOnlyList<Artifact>> RecordFolderAsync(long runId, CancellationToken ct = default) =>
        (await RecordFolderAsync(runId, new RecordingLimits(), ct)).Recorded;

    /// <summary>
    /// Records every regular file under the run's folder that is not recorded yet, or changed since, within
    /// <paramref name="limits"/>. Links, FIFOs, sockets, devices and mount points are passed over: the report says
    /// which and why, for the run's log. <paramref name="exclude"/> names files left for later (the open log).
    /// </summary>
    public async Task<RecordingReport> RecordFolderAsync(long runId, RecordingLimits limits, CancellationToken ct = default,
        Func<string, bool>? exclude = null)
    {
        var skipped = new List<string>();
        var result = new List<Artifact>();
        var recorded = (await ListAsync(runId, ct)).ToDictionary(a => a.Name, StringComparer.Ordinal);
        long bytes = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (name, status) in Files.FolderWalk.RegularFiles(Root, RelativeRunFolder(runId), limits, skipped.Add))
        {
            if (name.Contains(".partial-", StringComparison.Ordinal) || exclude?.Invoke(name) == true) continue;
            if (ArtifactName.Problem(name) is { } problem)
            {
                skipped.Add($"not recorded: {problem}");
                continue;
            }
            if (recorded.TryGetValue(name, out var known) && known.SizeBytes == status.SizeBytes && known.CreatedAt >= status.ModifiedUtc)
                continue;
            if (bytes + status.SizeBytes > limits.MaxTotalBytes)
            {
                skipped.Add($"'{name}' ({status.SizeBytes} bytes) would pass the {limits.MaxTotalBytes} bytes recorded at most; not recorded.");
                continue;
            }
            if (clock.Elapsed > limits.MaxTime)
            {
                skipped.Add($"recording took longer than {limits.MaxTime.TotalSeconds:0} s: '{name}' and what follows were not recorded.");
                break;
            }
            try
            {
                result.Add(await RecordExistingAsync(runId, name, ct));
                bytes += status.SizeBytes;
            }
            catch (Files.LinkRefusedException e) { skipped.Add($"'{name}' not recorded: {e.Message}"); }
            catch (FileNotFoundException) { } // removed while we looked
        }
        return new RecordingReport(result, skipped);
    }

    public async Task<IReadOnlyList<Artifact>> ListAsync(long runId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, run_id, name, size_bytes, sha256, content_type, created_at
            FROM artifacts WHERE run_id = $1 ORDER BY name
            """);
        command.Parameters.AddWithValue(runId);
        var list = new List<Artifact>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return list;
    }

    /// <summary>The artifact and a stream over its bytes (the caller disposes it), or null when there is none.</summary>
    public async Task<(Artifact Artifact, Stream Content)?> OpenAsync(long runId, string name, CancellationToken ct = default)
    {
        ArtifactName.Ensure(name);
        await using var command = dataSource.CreateCommand("""
            SELECT id, run_id, name, size_bytes, sha256, content_type, created_at
            FROM artifacts WHERE run_id = $1 AND name = $2
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var artifact = Read(reader);
        await reader.DisposeAsync();
        if (bucket is not null)
            return await bucket.OpenReadAsync(runId, name, ct) is { } remote ? (artifact, remote) : null;
        // A recorded file later replaced by a link (or a FIFO) is not served: as if it were gone.
        Stream? content;
        try { content = Files.ConfinedFiles.OpenRead(Root, RelativeRunFolder(runId) + "/" + name); }
        catch (Files.LinkRefusedException) { return null; }
        return content is null ? null : (artifact, content);
    }

    /// <summary>
    /// The run's log (recorded or not: it is read while the run writes it), never through a link; null when there is
    /// none. With a bucket, a run whose worker is on another host shows the log it recorded (at the end of each attempt).
    /// </summary>
    public async Task<Stream?> OpenLogAsync(long runId, CancellationToken ct = default)
    {
        Stream? local = null;
        try { local = Files.ConfinedFiles.OpenRead(Root, RelativeRunFolder(runId) + "/" + RunLogTail.FileName); }
        catch (FileNotFoundException) { }
        catch (DirectoryNotFoundException) { }
        if (local is not null || bucket is null) return local;
        return (await OpenAsync(runId, RunLogTail.FileName, ct))?.Content;
    }

    /// <summary>
    /// Brings the recorded files under <paramref name="folder"/> (e.g. "checkpoints/") from the bucket into the run's
    /// local folder where they are missing or differ, so a run requeued onto another host resumes from the checkpoint
    /// its earlier worker uploaded. Written beside and moved into place, never through a link; returns the names fetched.
    /// </summary>
    public async Task<IReadOnlyList<string>> FetchAsync(long runId, string folder, CancellationToken ct = default)
    {
        var fetched = new List<string>();
        if (bucket is null) return fetched;
        foreach (var artifact in await ListAsync(runId, ct))
        {
            if (!artifact.Name.StartsWith(folder, StringComparison.Ordinal)) continue;
            var path = PathOf(runId, artifact.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var parent = Path.GetDirectoryName(Path.GetRelativePath(Root, path))!.Replace(Path.DirectorySeparatorChar, '/');
            Files.FolderWalk.OpenBelow(Root, parent).Dispose();
            await using (var existing = OpenLocal(runId, artifact.Name))
                if (existing is not null && existing.Length == artifact.SizeBytes
                    && Convert.ToHexStringLower(await SHA256.HashDataAsync(existing, ct)) == artifact.Sha256)
                    continue;
            if (await bucket.OpenReadAsync(runId, artifact.Name, ct) is not { } remote) continue;
            var temporary = path + ".partial-" + Guid.NewGuid().ToString("N");
            try
            {
                await using (remote)
                await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    await remote.CopyToAsync(file, 1 << 20, ct);
                // Dated as recorded, so the next recording sees it unchanged and does not upload it again.
                File.SetLastWriteTimeUtc(temporary, artifact.CreatedAt.UtcDateTime);
                File.Move(temporary, path, overwrite: true);
                fetched.Add(artifact.Name);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
        return fetched;
    }

    private FileStream? OpenLocal(long runId, string name)
    {
        try { return Files.ConfinedFiles.OpenRead(Root, RelativeRunFolder(runId) + "/" + name); }
        catch (IOException) { return null; }
    }

    /// <summary>Opens the run's log for appending (creating the run's folder and log), never through a link.</summary>
    public FileStream AppendToLog(long runId)
    {
        Directory.CreateDirectory(RunFolder(runId));
        return Files.ConfinedFiles.OpenAppend(Root, RelativeRunFolder(runId) + "/" + RunLogTail.FileName);
    }

    /// <summary>Removes a run's files, here and in the bucket (its rows go with the run through ON DELETE CASCADE).</summary>
    public async Task DeleteRunFilesAsync(long runId, CancellationToken ct = default)
    {
        var folder = RunFolder(runId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        if (bucket is null) return;
        try
        {
            await bucket.DeleteRunAsync(runId, ct);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException or Amazon.Runtime.AmazonClientException)
        {
            // The run and its rows are gone already; objects left behind are reachable by no route.
        }
    }

    private async Task<Artifact> RecordAsync(long runId, string name, long size, string sha, string contentType, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO artifacts (run_id, name, size_bytes, sha256, content_type, created_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (run_id, name) DO UPDATE SET size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
                content_type = excluded.content_type, created_at = excluded.created_at
            RETURNING id, run_id, name, size_bytes, sha256, content_type, created_at
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(size);
        command.Parameters.AddWithValue(sha);
        command.Parameters.AddWithValue(contentType);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return Read(reader);
    }

    private static Artifact Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        RunId = reader.GetInt64(1),
        Name = reader.GetString(2),
        SizeBytes = reader.GetInt64(3),
        Sha256 = reader.GetString(4),
        ContentType = reader.GetString(5),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
    };
}
