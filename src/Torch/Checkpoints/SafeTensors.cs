using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Torch.Checkpoints;

/// <summary>
/// The safetensors file format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range (plus optional string metadata under "__metadata__"),
/// then the raw little-endian data. Files interoperate with Python's safetensors library.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) meta[k] = v;
            header[MetadataKey] = meta;
        }
        var blobs = new List<byte[]>(ordered.Count);
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var bytes = tensor.ToBytes();
            blobs.Add(bytes);
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.Dtype),
                ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;   // data starts 8-byte aligned
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(json);
            for (var i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
            foreach (var blob in blobs) file.Write(blob);
        }
        // Replace atomically so that a crash mid-write never leaves a torn checkpoint.
        File.Move(tmp, path, overwrite: true);
    }

    public static SafeTensorsFile Load(string path, Device? device = null)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 8) throw new InvalidDataException($"{path}: not a safetensors file");
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength <= 0 || 8 + headerLength > data.Length) throw new InvalidDataException($"{path}: bad header length");
        using var doc = JsonDocument.Parse(data.AsMemory(8, (int)headerLength));
        var start = 8 + (int)headerLength;
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        try
        {
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var dtype = ParseDtype(entry.Value.GetProperty("dtype").GetString() ?? "");
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var bytes = data.AsSpan(start + (int)offsets[0], (int)(offsets[1] - offsets[0]));
                var tensor = Tensor.FromBytes(bytes, dtype, shape, device).DetachFromDisposeScope();
                tensors[entry.Name] = tensor;
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new SafeTensorsFile(tensors, metadata);
    }

    private static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.UInt8 => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no dtype for {dtype}"),
    };

    private static ScalarType ParseDtype(string name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.UInt8,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported safetensors dtype {name}"),
    };
}

/// <summary>The tensors and metadata of a loaded file; disposing it frees the tensors.</summary>
public sealed class SafeTensorsFile(Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata) : IDisposable
{
    public IReadOnlyDictionary<string, Tensor> Tensors { get; } = tensors;

    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
