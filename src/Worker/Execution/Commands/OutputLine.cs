namespace Dashboard.Worker.Execution.Commands;

/// <summary>One line of a command's output, decoded as UTF-8, without its line break.</summary>
/// <param name="Text">The line, or its first <c>MaxLineBytes</c> bytes when <paramref name="Truncated"/>.</param>
/// <param name="ByteLength">The length of the whole line as the command wrote it.</param>
internal readonly record struct OutputLine(string Text, long ByteLength, bool Truncated);
