using Dashboard.Domain.Access;

namespace Dashboard.Domain.Tests.Access;

public sealed class SecretTokenTests
{
    [Fact]
    public void Tokens_carry_256_random_bits_as_43_base64url_characters()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => SecretToken.Create()).ToList();
        tokens.Should().OnlyHaveUniqueItems().And.OnlyContain(t => t.Length == SecretToken.EncodedLength && SecretToken.IsWellFormed(t, ""));
        tokens.Should().OnlyContain(t => System.Buffers.Text.Base64Url.DecodeFromChars(t).Length == 32);
        // Every base64url character shows up: the text is not from a small alphabet or a counter.
        tokens.SelectMany(t => t).Distinct().Should().HaveCount(64);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_told_apart_before_any_lookup(string? text) => SecretToken.IsWellFormed(text).Should().BeFalse();

    [Fact]
    public void Hashes_are_sha256_and_compare_in_constant_time()
    {
        var token = SecretToken.Create(ApiToken.Prefix);
        SecretToken.IsWellFormed(token, ApiToken.Prefix).Should().BeTrue();
        SecretToken.Hash(token).Should().HaveCount(32).And.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
        SecretToken.Matches(token, SecretToken.Hash(token)).Should().BeTrue();
        SecretToken.Matches(token + "x", SecretToken.Hash(token)).Should().BeFalse();
    }

    [Theory]
    [InlineData("Ada", "ada")]
    [InlineData(" ada.l_2-x ", "ada.l_2-x")]
    public void User_names_are_normalised(string given, string stored) => UserNames.Validate(given).Should().Be(stored);

    [Theory]
    [InlineData("")]
    [InlineData("-ada")]
    [InlineData("ada lovelace")]
    [InlineData("ädä")]
    public void Bad_user_names_are_refused(string given)
    {
        var act = () => UserNames.Validate(given);
        act.Should().Throw<InvalidInputException>().Which.Errors.Single().Field.Should().Be("user_name");
    }
}
