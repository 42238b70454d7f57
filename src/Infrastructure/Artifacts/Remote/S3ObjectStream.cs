using Amazon.S3;
using Amazon.S3.Model;

namespace Dashboard.Infrastructure.Artifacts.Remote;

/// <summary>
/// A read-only, seekable view of one object: each read continues the current ranged GET, and a seek starts a new
/// one at the new position. Nothing is buffered beyond the HTTP client's own buffer, so a 50 GB checkpoint streams
/// to a browser in constant memory, and Range requests (resumed downloads) fetch only the bytes asked for.
/// </summary>
internal sealed class S3ObjectStream(IAmazonS3 client, string bucket, string key, long length) : Stream
{
    private GetObjectResponse? _response;
    private long _position;
    private long _bodyPosition = -1;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        if (_response is null || _bodyPosition != _position)
        {
            CloseBody();
            _response = await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket,
                Key = key,
                ByteRange = new ByteRange(_position, length - 1),
            }, cancellationToken);
            _bodyPosition = _position;
        }
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        var read = await _response.ResponseStream.ReadAsync(buffer[..wanted], cancellationToken);
        if (read == 0) throw new IOException($"'{key}' ended at byte {_position} of {length}: the object changed while it was read.");
        _position += read;
        _bodyPosition += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void CloseBody()
    {
        _response?.Dispose();
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) CloseBody();
        base.Dispose(disposing);
    }
}
