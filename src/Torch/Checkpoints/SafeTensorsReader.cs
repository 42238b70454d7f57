using System.Buffers.Binary;
using System.Text.Json;

namespace Dashboard.Torch.Checkpoints;

/// <summary>
/// An open safetensors file: its header is read at once, each tensor's data only when asked for, streamed a chunk at a
/// time (at most <see cref="SafeTensors.ChunkBytes"/> in managed memory) straight into a tensor that already exists,
/// on any device. Loading a model this way needs no second copy of it anywhere.
/// </summary>
public sealed class SafeTensorsReader : IDisposable
{
    private readonly FileStream _file;
    private readonly long _dataStart;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private byte[]? _buffer;

    private sealed record Entry(ScalarType Dtype, long[] Shape, long Start, long End);

    private SafeTensorsReader(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);   // chunks are large: no second buffer
        try
        {
            Span<byte> prefix = stackalloc byte[8];
            if (_file.Length < 8 || _file.Read(prefix) != 8) throw new InvalidDataException($"{path}: not a safetensors file");
            var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > _file.Length)
                throw new InvalidDataException($"{path}: bad header length");
            var header = new byte[headerLength];
            _file.ReadExactly(header);
            _dataStart = 8 + headerLength;
            using var doc = JsonDocument.Parse(header);
            var metadata = new Dictionary<string, string>();
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var dtype = SafeTensors.ParseDtypeName(entry.Value.GetProperty("dtype").GetString() ?? "");
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var expected = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
                if (offsets.Length != 2 || offsets[1] - offsets[0] != expected || _dataStart + offsets[1] > _file.Length)
                    throw new InvalidDataException($"{path}: {entry.Name} has bad data offsets");
                _entries[entry.Name] = new Entry(dtype, shape, offsets[0], offsets[1]);
            }
            Metadata = metadata;
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public static SafeTensorsReader Open(string path) => new(path);

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IEnumerable<string> Names => _entries.Keys;

    public bool Contains(string name) => _entries.ContainsKey(name);

    public long[] ShapeOf(string name) => (long[])Find(name).Shape.Clone();

    /// <summary>A new tensor with the stored dtype and shape on <paramref name="device"/> (default the CPU).</summary>
    public Tensor Read(string name, Device? device = null)
    {
        var entry = Find(name);
        var tensor = Torch.Empty(entry.Shape, entry.Dtype, device ?? Device.Cpu).DetachFromDisposeScope();
        try
        {
            ReadInto(name, tensor);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
        return tensor;
    }

    /// <summary>
    /// Copies the stored values into <paramref name="target"/> in place (any device; converting dtype if it differs).
    /// The shapes must match.
    /// </summary>
    public void ReadInto(string name, Tensor target)
    {
        var entry = Find(name);
        if (!target.Shape.SequenceEqual(entry.Shape))
            throw new ArgumentException($"{name}: shape [{string.Join(", ", entry.Shape)}] does not match [{string.Join(", ", target.Shape)}]");
        var count = target.NumEl;
        if (count == 0) return;
        var size = entry.Dtype.ElementSize();
        _buffer ??= new byte[(int)Math.Min(SafeTensors.ChunkBytes, Math.Max(8, entry.End - entry.Start))];
        if (_buffer.Length < Math.Min(SafeTensors.ChunkBytes, entry.End - entry.Start))
            _buffer = new byte[(int)Math.Min(SafeTensors.ChunkBytes, entry.End - entry.Start)];
        var perChunk = Math.Max(1, _buffer.Length / size);
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        if (!target.IsContiguous)
            throw new ArgumentException($"{name}: the target must be contiguous to be read into in place");
        var flat = target.Reshape(-1);   // a view of the target's own storage
        _file.Position = _dataStart + entry.Start;
        for (long start = 0; start < count; start += perChunk)
        {
            using var chunkScope = Torch.NewDisposeScope();
            var n = Math.Min(perChunk, count - start);
            var bytes = _buffer.AsSpan(0, (int)(n * size));
            _file.ReadExactly(bytes);
            flat.Narrow(0, start, n).CopyFrom(Tensor.FromBytes(bytes, entry.Dtype, [n]));
        }
    }

    private Entry Find(string name) =>
        _entries.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"no tensor '{name}' in the file");

    public void Dispose() => _file.Dispose();
}
