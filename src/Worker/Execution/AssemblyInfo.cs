using System.Runtime.CompilerServices;

// The command executor's parts (line reader, metric line parser, placeholders) are tested directly.
[assembly: InternalsVisibleTo("Dashboard.Worker.Tests")]
