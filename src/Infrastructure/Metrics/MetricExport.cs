using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Dashboard.Infrastructure.Metrics;

/// <summary>Every point of a run, streamed out as CSV or JSON, one series at a time.</summary>
public sealed class MetricExport(NpgsqlDataSource dataSource, MetricQueries queries)
{
    /// <summary>CSV with a header row: key,step,value,wall_time (ISO 8601, UTC, microseconds).</summary>
    public async Task WriteCsvAsync(long runId, Stream output, CancellationToken ct = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteAsync("key,step,value,wall_time\n");
        var line = new StringBuilder();
        foreach (var key in await KeysAsync(runId, ct))
        {
            var raw = await queries.ReadAsync(runId, key, long.MinValue, ct);
            for (var i = 0; i < raw.Count; i++)
            {
                line.Clear();
                line.Append(Csv(key)).Append(',').Append(raw.Steps[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(raw.Values[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(RawSeries.Time(raw.Times[i]).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture))
                    .Append('\n');
                await writer.WriteAsync(line, ct);
            }
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>JSON: {"run_id": 1, "series": {"loss": [[step, value, "wall_time"], …], …}}. NaN/Infinity as strings.</summary>
    public async Task WriteJsonAsync(long runId, Stream output, CancellationToken ct = default)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("run_id", runId);
        json.WriteStartObject("series");
        foreach (var key in await KeysAsync(runId, ct))
        {
            var raw = await queries.ReadAsync(runId, key, long.MinValue, ct);
            json.WriteStartArray(key);
            for (var i = 0; i < raw.Count; i++)
            {
                json.WriteStartArray();
                json.WriteNumberValue(raw.Steps[i]);
                var value = raw.Values[i];
                if (double.IsFinite(value)) json.WriteNumberValue(value);
                else json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
                json.WriteStringValue(RawSeries.Time(raw.Times[i]).UtcDateTime);
                json.WriteEndArray();
                if (i % 10_000 == 9_999) await json.FlushAsync(ct);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private async Task<List<string>> KeysAsync(long runId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT key FROM metric_series WHERE run_id = $1 ORDER BY key");
        command.Parameters.AddWithValue(runId);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) keys.Add(reader.GetString(0));
        return keys;
    }

    // Keys are restricted to letters, digits and _ . / : - (MetricKey), so none needs quoting; keep it honest anyway.
    private static string Csv(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
