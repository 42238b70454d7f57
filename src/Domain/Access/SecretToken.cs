using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Domain.Access;

/// <summary>
/// The secrets the dashboard hands out (API tokens, review links): 256 random bits from the OS's CSPRNG,
/// base64url without padding. Only their SHA-256 is stored, so a database leak does not leak them; a
/// 256-bit random secret needs no salt or slow hash, since it cannot be guessed from its hash.
/// </summary>
public static class SecretToken
{
    public const int RandomBytes = 32;
    /// <summary>Length of the base64url text of <see cref="RandomBytes"/> bytes.</summary>
    public const int EncodedLength = 43;

    public static string Create(string prefix = "") => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="text"/> (after <paramref name="prefix"/>) looks like a token at all; cheap, before any lookup.</summary>
    public static bool IsWellFormed(string? text, string prefix = "") =>
        text is not null && text.Length == prefix.Length + EncodedLength && text.StartsWith(prefix, StringComparison.Ordinal)
        && text.AsSpan(prefix.Length).ContainsAnyExcept(Base64UrlAlphabet) is false;

    /// <summary>Compares a presented token's hash with a stored one in constant time.</summary>
    public static bool Matches(string token, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
