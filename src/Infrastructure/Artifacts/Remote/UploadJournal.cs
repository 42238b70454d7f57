using Npgsql;

namespace Dashboard.Infrastructure.Artifacts.Remote;

/// <summary>
/// The open multipart uploads of a run's files and the parts each has received, in PostgreSQL so that any worker,
/// on any host, can continue an upload a dead worker started (S3-compatible servers differ in whether they list
/// open uploads and their parts; the journal does not depend on it).
/// </summary>
public sealed class UploadJournal(NpgsqlDataSource dataSource)
{
    public sealed record OpenUpload(string UploadId, long PartSize, long SizeBytes, IReadOnlyDictionary<int, Part> Parts);

    public sealed record Part(long SizeBytes, string ETag);

    public async Task<OpenUpload?> FindAsync(long runId, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT u.upload_id, u.part_size, u.size_bytes, p.part_number, p.size_bytes, p.etag
            FROM artifact_uploads u LEFT JOIN artifact_upload_parts p ON p.run_id = u.run_id AND p.name = u.name
            WHERE u.run_id = $1 AND u.name = $2
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        OpenUpload? found = null;
        var parts = new Dictionary<int, Part>();
        while (await reader.ReadAsync(ct))
        {
            found ??= new OpenUpload(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), parts);
            if (!reader.IsDBNull(3)) parts[reader.GetInt32(3)] = new Part(reader.GetInt64(4), reader.GetString(5));
        }
        return found;
    }

    /// <summary>Starts the journal of a new upload, replacing (with its parts) any earlier one of the same file.</summary>
    public async Task StartAsync(long runId, string name, string uploadId, long partSize, long size, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM artifact_uploads WHERE run_id = $1 AND name = $2")
        {
            Parameters = { new() { Value = runId }, new() { Value = name } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO artifact_uploads (run_id, name, upload_id, part_size, size_bytes) VALUES ($1, $2, $3, $4, $5)
            """)
        {
            Parameters = { new() { Value = runId }, new() { Value = name }, new() { Value = uploadId }, new() { Value = partSize }, new() { Value = size } },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task AddPartAsync(long runId, string name, int partNumber, long size, string etag, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO artifact_upload_parts (run_id, name, part_number, size_bytes, etag) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (run_id, name, part_number) DO UPDATE SET size_bytes = excluded.size_bytes, etag = excluded.etag
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(partNumber);
        command.Parameters.AddWithValue(size);
        command.Parameters.AddWithValue(etag);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ForgetAsync(long runId, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM artifact_uploads WHERE run_id = $1 AND name = $2");
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(name);
        await command.ExecuteNonQueryAsync(ct);
    }
}
