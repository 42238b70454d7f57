namespace Dashboard.Torch.Tests;

// Integer tensors keep their dtype under + and −, as torch's `a + b` and `a + 2` do; the operators pass alpha and
// scalars as doubles, which libtorch refuses (alpha) or promotes to float (scalar) for integral tensors.
public class IntegerArithmeticTests
{
    [Fact]
    public void Int64_tensors_add_and_subtract_as_int64()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(new long[] { 1, 2, 3, 1L << 53 });
        var b = Tensor.From(new long[] { 10, 20, 30, 1 });
        var sum = a + b;
        sum.Dtype.Should().Be(ScalarType.Int64);
        sum.ToArray<long>().Should().Equal(11, 22, 33, (1L << 53) + 1);   // exact past float64's 2^53
        (a - b).ToArray<long>().Should().Equal(-9, -18, -27, (1L << 53) - 1);
        a.Add(b, alpha: 3).ToArray<long>().Should().Equal(31, 62, 93, (1L << 53) + 3);
        a.Sub(b, alpha: 2).ToArray<long>().Should().Equal(-19, -38, -57, (1L << 53) - 2);
    }

    [Fact]
    public void Int64_tensor_and_whole_scalar_stay_int64()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(new long[] { 1, 2, 3 });
        var plus = a + 5;
        plus.Dtype.Should().Be(ScalarType.Int64);
        plus.ToArray<long>().Should().Equal(6, 7, 8);
        (a - 5).ToArray<long>().Should().Equal(-4, -3, -2);
        (5 + a).Dtype.Should().Be(ScalarType.Int64);
        (a + 0.5).ToArray<double>().Should().Equal(1.5, 2.5, 3.5);       // a fractional scalar promotes, as in torch
    }

    [Fact]
    public void Int64_tensors_add_and_subtract_in_place()
    {
        using var scope = Torch.NewDisposeScope();
        var counts = Torch.Zeros([3], ScalarType.Int64);
        var hits = Tensor.From(new bool[] { true, false, true, true, false, true }, [2, 3]).Sum(0);   // int64 (3,)
        counts.Add_(hits).Add_(hits, alpha: 10).Sub_(hits, alpha: 2).Add_(7);
        counts.Dtype.Should().Be(ScalarType.Int64);
        counts.ToArray<long>().Should().Equal(25, 7, 25);
    }

    [Fact]
    public void A_fractional_alpha_on_integers_is_refused_and_on_floats_still_works()
    {
        using var scope = Torch.NewDisposeScope();
        var i = Tensor.From(new long[] { 1, 2 });
        var act = () => i.Add(i, alpha: 0.5);
        act.Should().Throw<TorchException>().WithMessage("*alpha*");

        var x = Tensor.From(new double[] { 1, 2 });
        var y = Tensor.From(new double[] { 4, 8 });
        x.Add(y, alpha: 0.25).ToArray<double>().Should().Equal(2, 4);
        x.Sub(y, alpha: 0.5).ToArray<double>().Should().Equal(-1, -2);
        x.Add(y, alpha: 2).ToArray<double>().Should().Equal(9, 18);
        var inPlace = () => i.Add_(i, alpha: 0.5);
        inPlace.Should().Throw<TorchException>().WithMessage("*alpha*");
        x.Clone().Add_(y, alpha: 0.25).Sub_(y, alpha: 2).Add_(0.5).ToArray<double>().Should().Equal(-5.5, -11.5);
        (x + 2).Dtype.Should().Be(ScalarType.Float64);
    }
}
