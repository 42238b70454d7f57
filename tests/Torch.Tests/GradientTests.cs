using F = Dashboard.Torch.Functional;
using static Dashboard.Torch.Tests.GradCheck;

namespace Dashboard.Torch.Tests;

/// <summary>Float64 finite-difference checks of every wrapper the seed models use.</summary>
public class GradientTests
{
    public GradientTests() => Torch.ManualSeed(7);

    [Fact] public void Add_sub_mul_div() => Check(x => (x[0] + x[1]) * x[0] - x[1] / (x[0] + 3) + x[0] * 2.5 - 1.5 / (x[1] + 3), Random(3, 4), Random(4));
    [Fact] public void Add_with_alpha_and_scalar_ops() => Check(x => x[0].Add(x[1], 0.3).Sub(x[1], 2) + (2 - x[0]), Random(2, 3), Random(2, 3));
    [Fact] public void Matmul() => Check(x => x[0].MatMul(x[1]), Random(2, 3, 4), Random(4, 5));
    [Fact] public void Bmm() => Check(x => x[0].Bmm(x[1]), Random(2, 3, 4), Random(2, 4, 2));
    [Fact] public void Exp_log_abs_sqrt_rsqrt() => Check(x => x[0].Exp() + x[0].Log() + x[0].Abs() + x[0].Sqrt() + x[0].Rsqrt(), Random(0.5, 2, 5));
    [Fact] public void Pow_square_sin_cos() => Check(x => x[0].Pow(3) + x[0].Square() + x[0].Sin() * x[0].Cos(), Random(2, 3));
    [Fact] public void Tanh_sigmoid_silu_gelu_relu() => Check(x => x[0].Tanh() + x[0].Sigmoid() + x[0].Silu() + x[0].Gelu() + x[0].Gelu("tanh") + (x[0] + 2).Relu(), Random(4, 3));
    [Fact] public void Sum_mean_var_amax_logsumexp() => Check(x => x[0].Sum(1) + x[0].Mean(1) + x[0].Var(1) + x[0].Amax(1) + x[0].LogSumExp(1) + x[0].Mean(), Random(3, 5));
    [Fact] public void Norm_and_cumsum() => Check(x => x[0].Norm(1, keepDim: true) * x[0].Cumsum(1), Random(3, 4));
    [Fact] public void Clamp_where_maximum() => Check(x => x[0].Clamp(-0.5, 0.5) + Torch.Where(x[0].Gt(x[1]), x[0], x[1] * 2) + x[0].Maximum(x[1]), Random(3, 4), Random(3, 4));
    [Fact] public void Views_and_reshapes() => Check(x => x[0].View(2, 6).Transpose(0, 1).Reshape(3, 4).Permute(1, 0).Unsqueeze(0).Squeeze(0).Contiguous().Flatten().Expand(2, 12) * x[0].Reshape(12), Random(3, 4));
    [Fact] public void Cat_split_chunk_stack() => Check(x =>
    {
        var parts = Torch.Cat([x[0], x[1]], 1).Split(2, 1);
        var chunks = x[0].Chunk(2, 0);
        return Torch.Stack([parts[0] * parts[1], parts[2].Expand(2, 2)], 0).Sum(0) + chunks[0].Sum() * chunks[1].Sum();
    }, Random(2, 3), Random(2, 3));
    [Fact] public void Slice_narrow_select_tril() => Check(x => x[0].Slice(1, 1, null, 2).Sum(1) + x[0].Narrow(0, 1, 2).Sum() + x[0].Select(1, 0).Square().Sum() + x[0].Tril().Sum(), Random(3, 4));
    [Fact] public void Gather_index_select_masked_fill() => Check(x =>
    {
        var index = Tensor.From(new long[] { 0, 2, 1, 1, 0, 3 }, [3, 2]);
        var rows = Tensor.From(new long[] { 2, 0, 2 });
        var mask = Tensor.From(new[] { true, false, false, true }, [4]);
        return x[0].Gather(1, index).Sum(1) + x[0].IndexSelect(0, rows).MaskedFill(mask, 0.0).Sum(1);
    }, Random(3, 4));
    [Fact] public void TopK_values() => Check(x => x[0].TopK(2, 1).Values, Random(3, 5));
    [Fact] public void Softmax_and_log_softmax() => Check(x => F.Softmax(x[0], -1) + F.LogSoftmax(x[0], 0), Random(3, 4));
    [Fact] public void Cross_entropy() => Check(x => F.CrossEntropy(x[0], Tensor.From(new long[] { 1, 0, 3 })), Random(3, 4));
    [Fact] public void Cross_entropy_with_smoothing_and_ignore() => Check(x => F.CrossEntropy(x[0], Tensor.From(new long[] { 1, -100, 3 }), labelSmoothing: 0.1), Random(3, 4));
    [Fact] public void Mse_loss() => Check(x => F.MseLoss(x[0], x[1]), Random(3, 4), Random(3, 4));
    [Fact] public void Normalize() => Check(x => F.Normalize(x[0], dim: -1), Random(3, 4));
    [Fact] public void Linear() => Check(x => F.Linear(x[0], x[1], x[2]), Random(2, 3, 4), Random(5, 4), Random(5));
    [Fact] public void Layer_norm() => Check(x => F.LayerNorm(x[0], [4], x[1], x[2]), Random(3, 4), Random(4), Random(4));
    [Fact] public void Rms_norm() => Check(x => F.RmsNorm(x[0], [4], x[1], 1e-6), Random(3, 4), Random(4));
    [Fact] public void Embedding() => Check(x => F.Embedding(Tensor.From(new long[] { 1, 0, 1, 2 }, [2, 2]), x[0]), Random(3, 4));
    [Fact] public void Dropout_in_eval_is_identity() => Check(x => F.Dropout(x[0], 0.5, training: false) * 1.0, Random(3, 4));
    [Fact] public void Scaled_dot_product_attention_causal() => Check(x => F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true), Random(1, 2, 3, 4), Random(1, 2, 3, 4), Random(1, 2, 3, 4));
    [Fact] public void Manual_attention_with_float_mask_and_scale() => Check(x => F.ManualAttention(x[0], x[1], x[2], x[3], scale: 0.3), Random(2, 3, 4), Random(2, 5, 4), Random(2, 5, 2), Random(3, 5));
    [Fact] public void Lstm_sequence() => Check(x =>
    {
        var (output, h, c) = F.Lstm(x[0], x[1], x[2], [x[3], x[4], x[5], x[6]], true, 1, 0.0, false, true);
        return output.Sum() + h.Sum() * c.Sum();
    }, Random(2, 3, 2), Random(1, 2, 3), Random(1, 2, 3), Random(12, 2), Random(12, 3), Random(12), Random(12));
    [Fact] public void Gru_sequence() => Check(x => F.Gru(x[0], x[1], [x[2], x[3], x[4], x[5]], true, 1, 0.0, false, false).Output, Random(3, 2, 2), Random(1, 2, 3), Random(9, 2), Random(9, 3), Random(9), Random(9));
    [Fact] public void Lstm_cell() => Check(x =>
    {
        var (h, c) = F.LstmCell(x[0], x[1], x[2], x[3], x[4], x[5], x[6]);
        return h * c;
    }, Random(2, 2), Random(2, 3), Random(2, 3), Random(12, 2), Random(12, 3), Random(12), Random(12));
    [Fact] public void Gru_cell() => Check(x => F.GruCell(x[0], x[1], x[2], x[3], x[4], x[5]), Random(2, 2), Random(2, 3), Random(9, 2), Random(9, 3), Random(9), Random(9));
}

public class GradCheckSelfTest
{
    [Fact]
    public void Detects_a_wrong_gradient()
    {
        // detach() hides one factor from autograd: the analytic gradient is half the true one.
        var act = () => GradCheck.Check(x => x[0].Detach() * x[0], GradCheck.Random(0.5, 1, 3));
        act.Should().Throw<Exception>();
    }
}
