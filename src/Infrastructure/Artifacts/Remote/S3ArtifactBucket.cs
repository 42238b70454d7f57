using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;

namespace Dashboard.Infrastructure.Artifacts.Remote;

/// <summary>
/// A bucket (and key prefix) of an S3-compatible store holding the bytes of every run's artifacts under
/// <c>{prefix}runs/{runId}/{name}</c>. Workers upload what they recorded; the web app streams from it. Files larger
/// than one part go up as multipart uploads journalled in PostgreSQL (<see cref="UploadJournal"/>), so the next
/// uploader of a file whose worker died continues the upload and sends only the parts that are missing.
/// </summary>
public sealed class S3ArtifactBucket : IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly UploadJournal _journal;

    public S3ArtifactBucket(S3Settings settings, NpgsqlDataSource dataSource)
    {
        Settings = settings;
        _journal = new UploadJournal(dataSource);
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            AuthenticationRegion = settings.Region,
            // Self-hosted stores differ in which of the newer optional checksums they know; integrity comes from
            // the SHA-256 recorded with each artifact and each part's MD5 ETag, checked below.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (settings.ServiceUrl is { } url) config.ServiceURL = url.ToString();
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        _client = settings.AccessKey is { } key
            ? new AmazonS3Client(new BasicAWSCredentials(key, settings.SecretKey), config)
            : new AmazonS3Client(config); // the SDK's own chain: environment, profile, instance role
    }

    public S3Settings Settings { get; }

    public string Key(long runId, string name) =>
        $"{Settings.Prefix}runs/{runId.ToString(CultureInfo.InvariantCulture)}/{name}";

    private string RunPrefix(long runId) => Key(runId, "");

    /// <summary>
    /// Checks at start that the bucket answers and the credentials may list it, so a misconfigured store stops the
    /// process with a message naming what to fix instead of failing each run's recording later.
    /// </summary>
    public async Task EnsureReachableAsync(CancellationToken ct = default)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Settings.Bucket, Prefix = Settings.Prefix, MaxKeys = 1 }, ct);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException or AmazonClientException)
        {
            var why = e is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } ? "the bucket does not exist"
                : e is AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } ? "access denied (check the access and secret keys)"
                : e.Message;
            throw new ArtifactStoreUnreachableException(
                $"The S3 artifact store ({Settings}) cannot be used: {why}. Check Dashboard__Artifacts__S3__ServiceUrl, __Bucket, __AccessKey and __SecretKey.", e);
        }
    }

    /// <summary>What an upload did: parts sent now and parts an earlier, interrupted upload had already sent.</summary>
    public sealed record UploadReport(int PartsSent, int PartsReused);

    /// <summary>
    /// Uploads <paramref name="size"/> bytes of <paramref name="file"/> (seekable, read from its start) to the
    /// artifact's key. Above one part it is a multipart upload that continues a journalled one of the same file,
    /// reusing each part whose size and MD5 match the file's bytes there.
    /// </summary>
    public async Task<UploadReport> UploadAsync(long runId, string name, Stream file, long size, string contentType, CancellationToken ct = default)
    {
        var partSize = Math.Max(Settings.PartSizeBytes, 1);
        if (size <= partSize)
        {
            var bytes = await ReadAsync(file, 0, (int)size, new byte[size], ct);
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Settings.Bucket,
                Key = Key(runId, name),
                InputStream = new MemoryStream(bytes, 0, (int)size, writable: false),
                ContentType = contentType,
                UseChunkEncoding = false,
            }, ct);
            return new UploadReport(1, 0);
        }
        try
        {
            return await UploadPartsAsync(runId, name, file, size, partSize, contentType, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // The store dropped the journalled upload (aborted, or expired by a lifecycle rule): start over once.
            await _journal.ForgetAsync(runId, name, ct);
            return await UploadPartsAsync(runId, name, file, size, partSize, contentType, ct);
        }
    }

    private async Task<UploadReport> UploadPartsAsync(long runId, string name, Stream file, long size, long partSize, string contentType, CancellationToken ct)
    {
        var key = Key(runId, name);
        var open = await _journal.FindAsync(runId, name, ct);
        if (open is not null && (open.SizeBytes != size || open.PartSize != partSize))
        {
            await AbortQuietlyAsync(key, open.UploadId);
            open = null;
        }
        string uploadId;
        if (open is null)
        {
            uploadId = (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = Settings.Bucket,
                Key = key,
                ContentType = contentType,
            }, ct)).UploadId;
            await _journal.StartAsync(runId, name, uploadId, partSize, size, ct);
        }
        else uploadId = open.UploadId;

        var count = (int)((size + partSize - 1) / partSize);
        var buffer = new byte[partSize];
        var etags = new List<PartETag>(count);
        int sent = 0, reused = 0;
        for (var number = 1; number <= count; number++)
        {
            var offset = (number - 1) * partSize;
            var length = (int)Math.Min(partSize, size - offset);
            await ReadAsync(file, offset, length, buffer, ct);
            var md5 = Convert.ToHexStringLower(MD5.HashData(buffer.AsSpan(0, length)));
            if (open?.Parts.GetValueOrDefault(number) is { } earlier && earlier.SizeBytes == length && Unquote(earlier.ETag) == md5)
            {
                etags.Add(new PartETag(number, earlier.ETag));
                reused++;
                continue;
            }
            var response = await _client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = Settings.Bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = number,
                PartSize = length,
                InputStream = new MemoryStream(buffer, 0, length, writable: false),
                UseChunkEncoding = false,
            }, ct);
            // A plain ETag is the part's MD5: a part damaged on the way is refused here rather than found later.
            if (IsMd5(response.ETag) && Unquote(response.ETag) != md5)
                throw new IOException($"Part {number} of '{name}' arrived with ETag {response.ETag}, not its MD5 {md5}.");
            await _journal.AddPartAsync(runId, name, number, length, response.ETag, ct);
            etags.Add(new PartETag(number, response.ETag));
            sent++;
        }
        await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Settings.Bucket,
            Key = key,
            UploadId = uploadId,
            PartETags = etags,
        }, ct);
        await _journal.ForgetAsync(runId, name, ct);
        return new UploadReport(sent, reused);
    }

    /// <summary>
    /// A seekable stream over the artifact's bytes (ranged GETs), or null when the object is not in the bucket.
    /// </summary>
    public async Task<Stream?> OpenReadAsync(long runId, string name, CancellationToken ct = default)
    {
        var key = Key(runId, name);
        long length;
        try
        {
            length = (await _client.GetObjectMetadataAsync(Settings.Bucket, key, ct)).ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        return new S3ObjectStream(_client, Settings.Bucket, key, length);
    }

    /// <summary>Removes a run's objects and aborts its open uploads (where the store can list them).</summary>
    public async Task DeleteRunAsync(long runId, CancellationToken ct = default)
    {
        try
        {
            var open = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Settings.Bucket, Prefix = RunPrefix(runId) }, ct);
            foreach (var upload in open.MultipartUploads ?? []) await AbortQuietlyAsync(upload.Key, upload.UploadId);
        }
        catch (AmazonServiceException)
        {
            // Not every store lists open uploads; a lifecycle rule (AbortIncompleteMultipartUpload) reclaims them.
        }
        string? token = null;
        do
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = Settings.Bucket,
                Prefix = RunPrefix(runId),
                ContinuationToken = token,
            }, ct);
            if (page.S3Objects is { Count: > 0 } objects)
                await _client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = Settings.Bucket,
                    Objects = objects.Select(o => new KeyVersion { Key = o.Key }).ToList(),
                }, ct);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (token is not null);
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(Settings.Bucket, key, uploadId);
        }
        catch (AmazonServiceException)
        {
            // Not every store aborts (or the upload is gone already); a lifecycle rule on the bucket
            // (AbortIncompleteMultipartUpload) reclaims what is left.
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> says the store is unreachable or failing for now (network, 5xx, throttling), so the
    /// same upload is worth trying again later (it resumes from the journal), rather than refused for good.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout } => true,
        AmazonServiceException => false,
        AmazonClientException or HttpRequestException or TimeoutException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    private static async Task<byte[]> ReadAsync(Stream file, long offset, int length, byte[] buffer, CancellationToken ct)
    {
        file.Position = offset;
        await file.ReadExactlyAsync(buffer.AsMemory(0, length), ct);
        return buffer;
    }

    private static string Unquote(string etag) => etag.Trim('"').ToLowerInvariant();

    private static bool IsMd5(string? etag) =>
        etag is not null && Unquote(etag) is { Length: 32 } hex && hex.All(char.IsAsciiHexDigit);

    public void Dispose() => _client.Dispose();
}
