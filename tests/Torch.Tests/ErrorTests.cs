namespace Dashboard.Torch.Tests;

/// <summary>libtorch errors come back as TorchException carrying libtorch's message; the process survives.</summary>
public class ErrorTests
{
    [Fact]
    public void Shape_mismatch()
    {
        using var scope = Torch.NewDisposeScope();
        var act = () => Torch.Ones([2, 3]).MatMul(Torch.Ones([4, 5]));
        act.Should().Throw<TorchException>().WithMessage("*mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)*");
    }

    [Fact]
    public void Wrong_device()
    {
        using var scope = Torch.NewDisposeScope();
        if (Cuda.IsAvailable) return; // on a GPU machine the tensor would simply be created
        var act = () => Torch.Ones([2], device: Device.Cuda());
        act.Should().Throw<TorchException>().Which.Message.Should().MatchRegex("(?i)cuda");
    }

    [Fact]
    public void Bad_dtype()
    {
        using var scope = Torch.NewDisposeScope();
        var weight = Torch.Randn([4, 3]);
        var act = () => Functional.Embedding(Torch.Ones([2]), weight);
        act.Should().Throw<TorchException>().WithMessage("*indices*Long*");
        var mixed = () => Torch.Ones([2, 2]).MatMul(Torch.Ones([2, 2], ScalarType.Float64));
        mixed.Should().Throw<TorchException>().WithMessage("*expected scalar type*");
    }

    [Fact]
    public void Backward_without_graph()
    {
        using var scope = Torch.NewDisposeScope();
        var act = () => Torch.Ones([1]).Sum().Backward();
        act.Should().Throw<TorchException>().WithMessage("*does not require grad*");
    }

    [Fact]
    public void Unknown_operator_and_missing_argument()
    {
        var unknown = () => new Op("aten::no_such_op").Call();
        unknown.Should().Throw<TorchException>().WithMessage("*no_such_op*");
        using var one = Torch.Ones([1]);
        var missing = () => new Op("aten::add", "Tensor").Call(one);
        missing.Should().Throw<TorchException>().WithMessage("*no default*");
        Op.Exists("aten::add", "Tensor").Should().BeTrue();
        Op.Exists("aten::no_such_op").Should().BeFalse();
    }

    [Fact]
    public void Disposed_tensor()
    {
        var t = Torch.Ones([1]);
        t.Dispose();
        var act = () => t.Sum();
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Cuda_only_features_report_a_clear_error_without_cuda()
    {
        if (Torch.HasCudaBuild) return;
        var graph = () => new CudaGraph();
        graph.Should().Throw<TorchException>().WithMessage("*built without CUDA*");
        var stats = () => Cuda.MemoryStats();
        stats.Should().Throw<TorchException>().WithMessage("*built without CUDA*");
        var info = () => Cuda.DeviceMemory();
        info.Should().Throw<TorchException>().WithMessage("*built without CUDA*");
    }
}
