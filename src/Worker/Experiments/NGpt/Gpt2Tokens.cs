using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// The Brown corpus as GPT-2 BPE ids (vocabulary 50,257, the tokenizer the seed's FineWeb shards were made with), from
/// Microsoft.ML.Tokenizers with its GPT-2 data. Tokenising the 6 MB corpus takes seconds, so the ids are written once
/// to a token file in the worker's cache folder, named by a hash of the text, and read from there by every later run.
/// File: "GPT2TOK1", the training and validation token counts (int64, little-endian), then the ids (uint16, little-endian).
/// </summary>
public static class Gpt2Tokens
{
    private static readonly byte[] s_magic = "GPT2TOK1"u8.ToArray();
    private static readonly Lazy<Tokenizer> s_tokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt2"));
    private static readonly Lock s_writing = new();

    /// <summary>The GPT-2 ids of <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> Encode(string text) => s_tokenizer.Value.EncodeToIds(text);

    /// <summary>The text of GPT-2 ids.</summary>
    public static string Decode(IEnumerable<int> ids) => s_tokenizer.Value.Decode(ids);

    /// <summary>The corpus's training and validation text as GPT-2 ids, from the token file in <paramref name="cacheDirectory"/> (made at first use).</summary>
    public static (ushort[] Train, ushort[] Validation) For(BrownCorpus corpus, string cacheDirectory)
    {
        var path = Path.Combine(cacheDirectory, $"brown-gpt2-{Fingerprint(corpus)}.tokens");
        if (TryRead(path) is { } cached) return cached;
        lock (s_writing)
        {
            if (TryRead(path) is { } again) return again;
            var tokens = (Narrow(Encode(Encoding.UTF8.GetString(corpus.Train))), Narrow(Encode(Encoding.UTF8.GetString(corpus.Validation))));
            Write(path, tokens.Item1, tokens.Item2);
            return tokens;
        }
    }

    private static string Fingerprint(BrownCorpus corpus)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(corpus.Train);
        hash.AppendData(s_magic);       // a separator, so that moving the split changes the name
        hash.AppendData(corpus.Validation);
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static ushort[] Narrow(IReadOnlyList<int> ids)
    {
        var result = new ushort[ids.Count];
        for (var i = 0; i < result.Length; i++) result[i] = checked((ushort)ids[i]);
        return result;
    }

    private static (ushort[], ushort[])? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 24 || !bytes.AsSpan(0, 8).SequenceEqual(s_magic)) return null;
        var train = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        var validation = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        if (train < 0 || validation < 0 || bytes.Length != 24 + 2 * (train + validation)) return null;   // torn or foreign: make it again
        return (Ids(bytes.AsSpan(24, (int)(2 * train))), Ids(bytes.AsSpan(24 + (int)(2 * train))));
    }

    private static ushort[] Ids(ReadOnlySpan<byte> data)
    {
        var ids = new ushort[data.Length / 2];
        for (var i = 0; i < ids.Length; i++) ids[i] = BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
        return ids;
    }

    private static void Write(string path, ushort[] train, ushort[] validation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[24 + 2 * (train.Length + validation.Length)];
        s_magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), train.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), validation.Length);
        var at = 24;
        foreach (var id in train.Concat(validation))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), id);
            at += 2;
        }
        // Written beside and moved into place, so a reader (another worker) never sees half a file.
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
