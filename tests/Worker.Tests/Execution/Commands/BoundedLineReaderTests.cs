using System.Text;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

public class BoundedLineReaderTests
{
    private static async Task<List<OutputLine>> ReadAll(Stream stream, int maxLineBytes)
    {
        var reader = new BoundedLineReader(stream, maxLineBytes);
        var lines = new List<OutputLine>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line) lines.Add(line);
        return lines;
    }

    private static Task<List<OutputLine>> ReadAll(string text, int maxLineBytes = 100, int bytesPerRead = int.MaxValue) =>
        ReadAll(new TrickleStream(Encoding.UTF8.GetBytes(text), bytesPerRead), maxLineBytes);

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Splits_lines_however_the_bytes_arrive(int bytesPerRead)
    {
        var lines = await ReadAll("first\nsecond\r\n\nlast without break", bytesPerRead: bytesPerRead);

        lines.Select(l => l.Text).Should().Equal("first", "second", "", "last without break");
        lines.Should().OnlyContain(l => !l.Truncated);
    }

    [Fact]
    public async Task Nothing_and_a_lone_break_are_no_lines_and_one_empty_line()
    {
        (await ReadAll("")).Should().BeEmpty();
        (await ReadAll("\n")).Select(l => l.Text).Should().Equal("");
    }

    [Fact]
    public async Task Cuts_a_long_line_keeps_its_length_and_goes_on_with_the_next()
    {
        var lines = await ReadAll(new string('x', 250) + "\nnext\n", maxLineBytes: 100, bytesPerRead: 7);

        lines.Should().HaveCount(2);
        lines[0].Should().Be(new OutputLine(new string('x', 100), 250, Truncated: true));
        lines[1].Should().Be(new OutputLine("next", 4, Truncated: false));
    }

    [Fact]
    public async Task A_line_of_exactly_the_limit_is_whole()
    {
        var lines = await ReadAll(new string('y', 100) + "\n", maxLineBytes: 100);

        lines.Should().ContainSingle().Which.Truncated.Should().BeFalse();
    }

    [Fact]
    public async Task Many_megabytes_without_a_break_hold_only_the_limit()
    {
        var content = new byte[20 * 1024 * 1024];
        content.AsSpan().Fill((byte)'z');

        var lines = await ReadAll(new MemoryStream(content), maxLineBytes: 1024);

        lines.Should().ContainSingle();
        lines[0].Text.Length.Should().Be(1024);
        lines[0].ByteLength.Should().Be(content.Length);
        lines[0].Truncated.Should().BeTrue();
    }

    [Fact]
    public async Task Invalid_utf8_becomes_replacement_characters()
    {
        var lines = await ReadAll(new MemoryStream([0x61, 0xFF, 0xFE, 0x62, (byte)'\n']), 100);

        lines.Should().ContainSingle().Which.Text.Should().Be("a\uFFFD\uFFFDb");
    }
}
