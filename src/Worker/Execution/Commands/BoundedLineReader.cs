using System.Text;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Splits a byte stream into lines while holding at most <c>maxLineBytes</c> of any one line in memory:
/// the rest of an over-long line is counted and dropped. <see cref="StreamReader.ReadLineAsync()"/> would
/// buffer a 10 MB line whole, and wait for a line break that may never come.
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] buffer = new byte[64 * 1024];
    private readonly MemoryStream line = new();
    private int start;
    private int end;
    private bool endOfStream;

    /// <summary>The next line; null at the end of the stream. A last line without a line break is returned too.</summary>
    public async ValueTask<OutputLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        line.SetLength(0);
        long length = 0;
        var started = false;
        while (true)
        {
            if (start == end)
            {
                if (endOfStream) return started ? Finish(length) : null;
                start = 0;
                end = await stream.ReadAsync(buffer, cancellationToken);
                if (end == 0) endOfStream = true;
                continue;
            }

            started = true;
            var available = buffer.AsSpan(start, end - start);
            var newline = available.IndexOf((byte)'\n');
            var piece = newline >= 0 ? available[..newline] : available;
            var room = maxLineBytes - (int)line.Length;
            if (room > 0) line.Write(piece[..Math.Min(room, piece.Length)]);
            length += piece.Length;
            start += piece.Length;
            if (newline >= 0)
            {
                start++;
                return Finish(length);
            }
        }
    }

    private OutputLine Finish(long length)
    {
        var kept = (int)line.Length;
        // Windows-style line ends: the '\r' belongs to the break, not the text.
        if (length == kept && kept > 0 && line.GetBuffer()[kept - 1] == (byte)'\r')
        {
            kept--;
            length--;
        }
        var text = Encoding.UTF8.GetString(line.GetBuffer(), 0, kept);
        return new OutputLine(text, length, Truncated: length > kept);
    }
}
