namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>The checkout these tests were built from: the folder above the test assembly that holds scripts/start.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "scripts", "start")) &&
                File.Exists(System.IO.Path.Combine(dir.FullName, "Dashboard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"No repository root (a folder with scripts/start and Dashboard.sln) above {AppContext.BaseDirectory}.");
    }
}
