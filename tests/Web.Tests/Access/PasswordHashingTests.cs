using Dashboard.Domain.Access;
using Dashboard.Web.Access;

namespace Dashboard.Web.Tests.Access;

public sealed class PasswordHashingTests
{
    private readonly PasswordHashing _hashing = new();

    private static User With(string hash) => new() { UserName = "ada", DisplayName = "Ada", PasswordHash = hash };

    [Fact]
    public void A_hashed_password_verifies_and_another_does_not()
    {
        var hash = _hashing.Hash("correct horse battery");
        hash.Should().NotContain("correct horse");
        // Identity's v3 format: marker byte 0x01, then PRF, iterations, salt length, salt, subkey.
        Convert.FromBase64String(hash)[0].Should().Be(0x01);
        _hashing.Verify(With(hash), "correct horse battery").Should().Be(PasswordHashing.Outcome.Right);
        _hashing.Verify(With(hash), "correct horse batterY").Should().Be(PasswordHashing.Outcome.Wrong);
        _hashing.Verify(null, "correct horse battery").Should().Be(PasswordHashing.Outcome.Wrong);
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time() =>
        _hashing.Hash("same password here").Should().NotBe(_hashing.Hash("same password here"));

    [Theory]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("runs/1", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/runs/1\n", "/")]
    [InlineData("/compare/3,7?smooth=0.6", "/compare/3,7?smooth=0.6")]
    public void Return_urls_stay_on_this_site(string? returnUrl, string expected) => LocalReturnUrl.Sanitize(returnUrl).Should().Be(expected);

    [Theory]
    [InlineData("/runs/12", "Run")]
    [InlineData("/api/runs/12/metrics/series", "Run")]
    [InlineData("/api/experiments/4", "Experiment")]
    [InlineData("/compare/3,7", "Comparison")]
    [InlineData("/compare/3%2C7", "Comparison")]
    [InlineData("/compare", "Other")]
    [InlineData("/api/runs", "Other")]
    [InlineData("/runs/abc", "Other")]
    [InlineData("/", "Other")]
    public void Paths_name_what_they_show(string path, string kind) => ViewedResource.FromPath(path).GetType().Name.Should().Be(kind);
}
