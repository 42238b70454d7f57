using Npgsql;

namespace Dashboard.Infrastructure.Reading;

/// <summary>The current state and step of runs, for live messages (a NOTIFY carries the state but not the step).</summary>
public sealed class RunStatusQuery(NpgsqlDataSource dataSource)
{
    /// <summary>The runs that exist among <paramref name="runIds"/>, by id.</summary>
    public async Task<IReadOnlyList<RunStatus>> ReadAsync(IReadOnlyList<long> runIds, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT id, state, step FROM runs WHERE id = ANY($1) ORDER BY id");
        command.Parameters.AddWithValue(runIds.ToArray());
        var result = new List<RunStatus>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result.Add(new RunStatus(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
        return result;
    }
}
