using Dashboard.EndToEnd.Tests.Hosting;

namespace Dashboard.EndToEnd.Tests.Browsing;

/// <summary>
/// Full-page screenshots of one test's key states, numbered in the order taken:
/// TestResults/screenshots/{class}/{test}/01-{state}.png under the repository root. Each path goes to the test output.
/// </summary>
public sealed class Screenshots
{
    private readonly ITestOutputHelper _output;
    private int _count;

    private Screenshots(string folder, ITestOutputHelper output)
    {
        Folder = folder;
        _output = output;
    }

    public static string Root { get; } = Path.Combine(RepositoryRoot.Path, "TestResults", "screenshots");

    public string Folder { get; }

    public static Screenshots For(string testClass, string test, ITestOutputHelper output)
    {
        var folder = Path.Combine(Root, Safe(testClass), Safe(test));
        // A test's folder shows its latest run only.
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return new Screenshots(folder, output);
    }

    public async Task<string> TakeAsync(IPage page, string state)
    {
        var path = Path.Combine(Folder, $"{Interlocked.Increment(ref _count):00}-{Safe(state)}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine($"screenshot: {path}");
        return path;
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
}
