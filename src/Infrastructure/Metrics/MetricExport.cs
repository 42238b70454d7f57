using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Dashboard.Infrastructure.Metrics;

/// <summary>Every point of a run, streamed out as CSV or JSON without holding the series in memory.</summary>
public sealed class MetricExport(NpgsqlDataSource dataSource)
{
    /// <summary>CSV with a header row: key,step,value,wall_time (ISO 8601, UTC).</summary>
    public async Task WriteCsvAsync(long runId, Stream output, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // The database formats CSV faster than we could; runId is a long, so inlining it is safe.
        using var reader = await connection.BeginTextExportAsync(string.Create(CultureInfo.InvariantCulture, $"""
            COPY (SELECT key, step, value, to_char(wall_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS wall_time
                  FROM metric_points WHERE run_id = {runId} ORDER BY key, step)
            TO STDOUT WITH (FORMAT csv, HEADER)
            """), ct);
        await using var writer = new StreamWriter(output, leaveOpen: true);
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
            await writer.WriteAsync(buffer.AsMemory(0, read), ct);
        await writer.FlushAsync(ct);
    }

    /// <summary>JSON: {"run_id": 1, "series": {"loss": [[step, value, "wall_time"], …], …}}. NaN/Infinity as strings.</summary>
    public async Task WriteJsonAsync(long runId, Stream output, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT key, step, value, wall_time FROM metric_points WHERE run_id = $1 ORDER BY key, step");
        command.Parameters.AddWithValue(runId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("run_id", runId);
        json.WriteStartObject("series");
        string? currentKey = null;
        var rows = 0;
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetString(0);
            if (key != currentKey)
            {
                if (currentKey is not null) json.WriteEndArray();
                json.WriteStartArray(key);
                currentKey = key;
            }
            json.WriteStartArray();
            json.WriteNumberValue(reader.GetInt64(1));
            var value = reader.GetDouble(2);
            if (double.IsFinite(value)) json.WriteNumberValue(value);
            else json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
            json.WriteStringValue(reader.GetFieldValue<DateTimeOffset>(3).ToUniversalTime());
            json.WriteEndArray();
            if (++rows % 10_000 == 0) await json.FlushAsync(ct);
        }
        if (currentKey is not null) json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }
}
