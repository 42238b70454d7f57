using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Torch.Checkpoints;

/// <summary>
/// The safetensors file format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range (plus optional string metadata under "__metadata__"),
/// then the raw little-endian data. Files interoperate with Python's safetensors library.
/// Reading and writing stream each tensor through one buffer of at most <see cref="ChunkBytes"/>, so a
/// multi-gigabyte checkpoint never has a second full copy in managed memory (and files over 2 GB work).
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    /// <summary>
    /// The most bytes of a tensor held in managed memory at once while reading or writing (64 MiB). Only the
    /// streaming's granularity depends on it, never what is written or read.
    /// </summary>
    public static int ChunkBytes { get; set; } = 64 << 20;

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
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var length = tensor.NumEl * tensor.Dtype.ElementSize();
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.Dtype),
                ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;   // data starts 8-byte aligned
        var tmp = path + ".tmp";
        var buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(8, ordered.Count == 0 ? 8 : ordered.Max(kv => kv.Value.NumEl * kv.Value.Dtype.ElementSize())))];
        // Unbuffered: the chunks are large, and a stream buffer would be a second copy of one.
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(json);
            Span<byte> spaces = stackalloc byte[8];
            spaces.Fill((byte)' ');
            file.Write(spaces[..(padded - json.Length)]);
            foreach (var (_, tensor) in ordered) WriteTensor(file, tensor, buffer);
        }
        // Replace atomically so that a crash mid-write never leaves a torn checkpoint.
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The tensor's bytes, a chunk at a time: each chunk is copied to the host into <paramref name="buffer"/> and written.</summary>
    private static void WriteTensor(Stream file, Tensor tensor, byte[] buffer)
    {
        var count = tensor.NumEl;
        if (count == 0) return;
        var size = tensor.Dtype.ElementSize();
        using var scope = Torch.NewDisposeScope();
        var flat = tensor.Detach().Reshape(-1);
        var perChunk = Math.Max(1, buffer.Length / size);
        for (long start = 0; start < count; start += perChunk)
        {
            using var chunkScope = Torch.NewDisposeScope();
            var n = Math.Min(perChunk, count - start);
            var bytes = buffer.AsSpan(0, (int)(n * size));
            flat.Narrow(0, start, n).CopyTo(bytes);
            file.Write(bytes);
        }
    }

    /// <summary>Reads every tensor (onto <paramref name="device"/>, default the CPU) and the metadata.</summary>
    public static SafeTensorsFile Load(string path, Device? device = null)
    {
        using var reader = SafeTensorsReader.Open(path);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var name in reader.Names) tensors[name] = reader.Read(name, device);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new SafeTensorsFile(tensors, new Dictionary<string, string>(reader.Metadata));
    }

    internal static string DtypeNameOf(ScalarType dtype) => DtypeName(dtype);

    internal static ScalarType ParseDtypeName(string name) => ParseDtype(name);

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
