namespace Dashboard.Worker.Tests.Execution.Doubles;

/// <summary>Hands out at most a few bytes per read, as a pipe may, so lines arrive split across reads.</summary>
public sealed class TrickleStream(byte[] content, int bytesPerRead) : Stream
{
    private int position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, bytesPerRead), content.Length - position);
        Array.Copy(content, position, buffer, offset, n);
        position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
