namespace Dashboard.Torch.Tests;

public class TensorTests
{
    [Fact]
    public void Round_trips_host_data_and_reports_shape_dtype_device()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        t.Shape.Should().Equal(2, 3);
        t.Dtype.Should().Be(ScalarType.Float32);
        t.Device.Should().Be(Device.Cpu);
        t.ToArray<float>().Should().Equal(1, 2, 3, 4, 5, 6);
        t.ToArray<double>().Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Arithmetic_operators_follow_broadcasting()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(new double[] { 1, 2, 3, 4 }, [2, 2]);
        var b = Tensor.From(new double[] { 10, 20 }, [2]);
        ((a + b) * 2 - 1).ToArray<double>().Should().Equal(21, 43, 25, 47);
        (a / b).ToArray<double>().Should().Equal(0.1, 0.1, 0.3, 0.2);
        (1 - a).ToArray<double>().Should().Equal(0, -1, -2, -3);
        (2 / a).ToArray<double>().Should().Equal(2, 1, 2.0 / 3, 0.5);
        a.MatMul(a).ToArray<double>().Should().Equal(7, 10, 15, 22);
        a.Sum().ToDouble().Should().Be(10);
        a.Mean(1).ToArray<double>().Should().Equal(1.5, 3.5);
    }

    [Fact]
    public void Dtypes_convert()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(new float[] { 1.5f, -2.25f });
        foreach (var dtype in new[] { ScalarType.BFloat16, ScalarType.Float16, ScalarType.Float64, ScalarType.Int64, ScalarType.Bool })
            a.To(dtype).Dtype.Should().Be(dtype);
        a.To(ScalarType.BFloat16).ToArray<float>().Should().Equal(1.5f, -2.25f);
        a.To(ScalarType.Int64).ToArray<long>().Should().Equal(1, -2);
        a.To(ScalarType.Bool).ToArray<bool>().Should().Equal(true, true);
    }

    [Fact]
    public void Views_splits_and_joins()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(12).Reshape(3, 4);
        x.Transpose(0, 1).Shape.Should().Equal(4, 3);
        x.View(2, 6).Shape.Should().Equal(2, 6);
        x.Unsqueeze(0).Shape.Should().Equal(1, 3, 4);
        var parts = x.Split(3, 1);
        parts.Should().HaveCount(2);
        parts[1].Shape.Should().Equal(3, 1);
        x.Chunk(2, 1)[0].ToArray<long>().Should().Equal(0, 1, 4, 5, 8, 9);
        Torch.Cat([x, x], 0).Shape.Should().Equal(6, 4);
        Torch.Stack([x, x], 0).Shape.Should().Equal(2, 3, 4);
        x.Slice(1, 1, null, 2).ToArray<long>().Should().Equal(1, 3, 5, 7, 9, 11);
        x.Select(0, 2).ToArray<long>().Should().Equal(8, 9, 10, 11);
        var (values, indices) = x.To(ScalarType.Float32).TopK(2, 1);
        values.ToArray<float>().Should().Equal(3, 2, 7, 6, 11, 10);
        indices.ToArray<long>().Should().Equal(3, 2, 3, 2, 3, 2);
        x.Gather(1, Tensor.From(new long[] { 0, 1, 2 }, [3, 1])).ToArray<long>().Should().Equal(0, 5, 10);
        x.IndexSelect(0, Tensor.From(new long[] { 2, 0 })).ToArray<long>().Should().Equal(8, 9, 10, 11, 0, 1, 2, 3);
        x.MaskedFill(x.Gt(5), -1).ToArray<long>().Should().Equal(0, 1, 2, 3, 4, 5, -1, -1, -1, -1, -1, -1);
    }

    [Fact]
    public void Dispose_scope_frees_everything_made_inside_except_what_is_moved_out()
    {
        var before = Torch.LiveTensors;
        Tensor kept;
        using (Torch.NewDisposeScope())
        {
            var a = Torch.Ones([3]);
            var b = a * 2 + 1;
            kept = (b * b).MoveToOuterScope();
            Torch.LiveTensors.Should().Be(before + 4);
        }
        Torch.LiveTensors.Should().Be(before + 1);
        kept.ToArray<float>().Should().Equal(9, 9, 9);
        kept.Dispose();
        Torch.LiveTensors.Should().Be(before);
    }

    [Fact]
    public void Autograd_computes_gradients()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 2, 3 }).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        x.Grad!.ToArray<double>().Should().Equal(2, 4, 6);
        using (Torch.NoGrad())
        {
            (x * 2).RequiresGrad.Should().BeFalse();
        }
        (x * 2).RequiresGrad.Should().BeTrue();
    }

    [Fact]
    public void Errors_surface_as_TorchException_with_libtorch_message()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Ones([2, 3]);
        var b = Torch.Ones([4, 5]);
        var act = () => a.MatMul(b);
        act.Should().Throw<TorchException>().WithMessage("*cannot be multiplied*");
        var add = () => a + b;
        add.Should().Throw<TorchException>().WithMessage("*size of tensor a (3) must match*");
        var view = () => a.View(7);
        view.Should().Throw<TorchException>().WithMessage("*shape '[7]' is invalid*");
    }
}
