namespace Dashboard.Torch.Tests;

/// <summary>Host reads are refused inside a region that forbids them (a CUDA graph capture), and allowed again after it.</summary>
public class HostReadsTests
{
    [Fact]
    public void A_host_read_inside_a_forbidding_region_throws_naming_the_read_and_the_region()
    {
        using var t = Torch.Ones([2]);
        using var sum = t.Sum();
        using (HostReads.Forbid("capturing the test step"))
        {
            HostReads.Forbidden.Should().BeTrue();
            var item = () => sum.ToDouble();
            item.Should().Throw<TorchException>().WithMessage("ToDouble reads a tensor's value on the host*not allowed while capturing the test step");
            var array = () => t.ToArray<float>();
            array.Should().Throw<TorchException>().WithMessage("ToArray*");
            var bytes = () => t.ToBytes();
            bytes.Should().Throw<TorchException>().WithMessage("ToBytes*");
            using (HostReads.Forbid("an inner region"))
                ((Action)(() => sum.ToInt64())).Should().Throw<TorchException>().WithMessage("*an inner region");
            ((Action)(() => sum.ToDouble())).Should().Throw<TorchException>().WithMessage("*capturing the test step", "the outer region is back");
            using var doubled = t * 2;   // device work is what a capture records: allowed
        }
        HostReads.Forbidden.Should().BeFalse();
        sum.ToDouble().Should().Be(2);
    }
}
