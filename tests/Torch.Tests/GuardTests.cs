namespace Dashboard.Torch.Tests;

public class GuardTests
{
    [Fact]
    public void Autocast_runs_matmul_in_bfloat16_on_cpu_and_restores_state()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Randn([4, 4]);
        using (Torch.Autocast(DeviceType.Cpu, ScalarType.BFloat16))
        {
            a.MatMul(a).Dtype.Should().Be(ScalarType.BFloat16);
            Functional.Linear(a, a).Dtype.Should().Be(ScalarType.BFloat16);
        }
        a.MatMul(a).Dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void Tf32_matmuls_are_off_by_default_allowed_in_a_scope_and_restored()
    {
        Torch.MatmulTf32.Should().BeFalse("PyTorch's default");
        using (Torch.AllowMatmulTf32())
        {
            Torch.MatmulTf32.Should().BeTrue();
            using (Torch.AllowMatmulTf32(false)) Torch.MatmulTf32.Should().BeFalse();
            Torch.MatmulTf32.Should().BeTrue();
        }
        Torch.MatmulTf32.Should().BeFalse();
    }

    [Fact]
    public void Inference_mode_and_no_grad_nest_and_restore()
    {
        using var scope = Torch.NewDisposeScope();
        var w = Torch.Ones([2]).RequiresGrad_();
        Torch.IsGradEnabled.Should().BeTrue();
        using (Torch.NoGrad())
        {
            Torch.IsGradEnabled.Should().BeFalse();
            using (Torch.EnableGrad()) (w * 2).RequiresGrad.Should().BeTrue();
            (w * 2).RequiresGrad.Should().BeFalse();
        }
        using (Torch.InferenceMode())
        {
            Torch.IsInferenceMode.Should().BeTrue();
            (w * 2).RequiresGrad.Should().BeFalse();
        }
        Torch.IsInferenceMode.Should().BeFalse();
        (w * 2).RequiresGrad.Should().BeTrue();
    }

    [Fact]
    public void Manual_seed_makes_random_draws_repeatable()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(123);
        var a = Torch.Randn([5]);
        var i = Torch.RandInt(0, 10, [5]);
        var u = Torch.Rand([5]);
        Torch.ManualSeed(123);
        a.Equal(Torch.Randn([5])).Should().BeTrue();
        i.Equal(Torch.RandInt(0, 10, [5])).Should().BeTrue();
        u.Equal(Torch.Rand([5])).Should().BeTrue();
        Torch.Arange(0, 1, 0.25, ScalarType.Float64).ToArray<double>().Should().Equal(0, 0.25, 0.5, 0.75);
    }

    [Fact]
    public void Library_reports_its_libtorch_and_op_availability()
    {
        Torch.Version.Should().MatchRegex(@"^\d+\.\d+");
        var major = int.Parse(Torch.Version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        Functional.HasFusedAttention.Should().Be(major >= 2);
    }
}
