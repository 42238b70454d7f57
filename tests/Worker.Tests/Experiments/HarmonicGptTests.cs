using Dashboard.Torch;
using Dashboard.Torch.NN;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.Harmonic.Gpt;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>Seed 004's Harmonic GPT reconstruction: the write-up's parameter counts and the attention and MoE identities.</summary>
public sealed class HarmonicGptTests
{
    private static HarmonicConfig Tiny(string model = "harmonic", int experts = 4) => new()
    {
        Variant = "gpt", Model = model, Layers = 2, Heads = 2, Width = 16, Context = 48, Vocab = 32, Dropout = 0, Window = 8, Experts = experts,
    };

    [Theory]
    [InlineData("standard", 3_176_192)]
    [InlineData("harmonic", 3_571_524)]
    [InlineData("harmonic-moe", 10_014_552)]
    public void Parameter_counts_at_the_seed_shape_equal_the_write_ups(string model, long expected)
    {
        // nanoGPT's shakespeare_char shape: 4 layers × 256, 4 heads, block 256, vocabulary 65; counted as get_num_params.
        using var gpt = new HarmonicGpt(new HarmonicConfig { Variant = "gpt", Model = model, Vocab = 65 });
        gpt.NonEmbeddingCount.Should().Be(expected);
    }

    [Fact]
    public void The_mask_is_causal_for_wave_tokens_and_a_window_for_local_ones()
    {
        using var wave = Tensor.From(new[] { true, false, false, false, false, true }, [1, 6]);
        using var mask = WaveSelectiveAttention.Mask(wave, window: 2);
        var m = mask.To(ScalarType.Int64).ToArray<long>();
        bool Allowed(int t, int j) => m[t * 6 + j] == 1;
        Allowed(5, 0).Should().BeTrue("a wave token sees every earlier key");
        Allowed(4, 1).Should().BeFalse("a local token sees only the last 2 keys and itself");
        Allowed(4, 2).Should().BeTrue();
        Allowed(4, 5).Should().BeFalse("never a later key");
    }

    [Fact]
    public void With_every_token_a_wave_token_it_is_full_causal_attention()
    {
        var config = Tiny();
        Dashboard.Torch.Torch.ManualSeed(1);
        using var attention = new WaveSelectiveAttention(config);
        using var causal = new CausalSelfAttention(config.Width, config.Heads);
        using (Dashboard.Torch.Torch.NoGrad())
        {
            causal.QkvProjection.Weight.CopyFrom(attention.NamedParameters().Single(p => p.Name == "c_attn.weight").Parameter);
            causal.QkvProjection.Bias!.CopyFrom(attention.NamedParameters().Single(p => p.Name == "c_attn.bias").Parameter);
            causal.OutputProjection.Weight.CopyFrom(attention.OutputProjection.Weight);
            causal.OutputProjection.Bias!.CopyFrom(attention.OutputProjection.Bias!);
        }
        using var x = Dashboard.Torch.Torch.Randn([2, 40, config.Width]);
        using var all = Dashboard.Torch.Torch.Ones([2, 40], ScalarType.Bool);
        using var expected = causal.Forward(x);
        using var actual = attention.Forward(x, all);
        actual.AllClose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void With_no_wave_token_each_query_attends_to_its_window_only()
    {
        var config = Tiny();
        Dashboard.Torch.Torch.ManualSeed(2);
        using var attention = new WaveSelectiveAttention(config);
        using var x = Dashboard.Torch.Torch.Randn([1, 30, config.Width]);
        using var none = Dashboard.Torch.Torch.Zeros([1, 30], ScalarType.Bool);
        using var actual = attention.Forward(x, none);

        // Independently: query t attends over keys t − window … t alone, by slicing them out.
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var qkv = F.Linear(x, attention.NamedParameters().Single(p => p.Name == "c_attn.weight").Parameter,
            attention.NamedParameters().Single(p => p.Name == "c_attn.bias").Parameter).Split(config.Width, dim: 2);
        Tensor Heads(Tensor t) => t.View(1, 30, config.Heads, config.HeadSize).Transpose(1, 2);      // (1, nh, T, d)
        var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
        var rows = new List<Tensor>();
        for (var t = 0; t < 30; t++)
        {
            var from = Math.Max(0, t - config.Window);
            var y = F.ManualAttention(q.Narrow(2, t, 1), k.Narrow(2, from, t - from + 1), v.Narrow(2, from, t - from + 1));
            rows.Add(y);
        }
        var joined = Dashboard.Torch.Torch.Cat([.. rows], 2).Transpose(1, 2).Contiguous().View(1, 30, config.Width);
        var expected = attention.OutputProjection.Forward(joined);
        actual.AllClose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void A_mixture_of_one_expert_is_the_plain_mlp()
    {
        var config = Tiny("harmonic-moe", experts: 1);
        Dashboard.Torch.Torch.ManualSeed(3);
        using var moe = new HarmonicMoE(config);
        using var x = Dashboard.Torch.Torch.Randn([2, 12, config.Width]);
        using var actual = moe.Forward(x);
        using var expected = moe.Experts[0].Forward(x);
        actual.AllClose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        moe.LastLoad.Should().Equal(1.0);
    }

    [Fact]
    public void Wave_tokens_go_to_their_top_expert_scaled_by_its_probability_and_the_rest_to_expert_zero()
    {
        var config = Tiny("harmonic-moe", experts: 3);
        Dashboard.Torch.Torch.ManualSeed(4);
        using var moe = new HarmonicMoE(config);
        using var x = Dashboard.Torch.Torch.Randn([1, 10, config.Width]);
        using var wave = Tensor.From(new[] { true, false, true, false, false, false, true, false, false, false }, [1, 10]);
        using var actual = moe.Forward(x, wave);

        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var router = moe.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var probabilities = F.Softmax(F.Linear(x, router["router.weight"], router["router.bias"]), -1);   // (1, T, E)
        var isWave = wave.ToArray<bool>();
        for (var t = 0; t < 10; t++)
        {
            var token = x.Narrow(1, t, 1);
            Tensor expected;
            if (isWave[t])
            {
                var (top, index) = probabilities.Narrow(1, t, 1).Max(2);
                expected = moe.Experts[(int)index.ToInt64()].Forward(token) * top.ToDouble();
            }
            else expected = moe.Experts[0].Forward(token);
            actual.Narrow(1, t, 1).AllClose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue($"token {t}");
        }
    }

    [Fact]
    public void Mode_coupling_projects_the_strength_weighted_sum_of_earlier_blocks_and_block_zero_gets_the_bias()
    {
        var config = Tiny() with { Layers = 3 };
        Dashboard.Torch.Torch.ManualSeed(6);
        using var coupling = new ModeCoupling(config);
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var h0 = Dashboard.Torch.Torch.Randn([2, 5, config.Width]);
        var h1 = Dashboard.Torch.Torch.Randn([2, 5, config.Width]);
        var kappa = coupling.Strength.ToArray<float>();                                   // row-major (3, 3)
        var expected = coupling.Projection.Forward(h0 * kappa[2 * 3 + 0] + h1 * kappa[2 * 3 + 1]);
        coupling.Forward(2, [h0, h1], h0).AllClose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        var first = coupling.Forward(0, [], h0);
        first.AllClose(coupling.Projection.Bias!.Expand(h0.Shape), rtol: 0, atol: 0).Should().BeTrue("proj(0) is the bias");
    }

    [Fact]
    public void Top_k_selection_picks_exactly_k_tokens_per_sequence_even_when_scores_tie()
    {
        var config = Tiny() with { WaveFraction = 0.25 };
        using var scores = Dashboard.Torch.Torch.Ones([3, 16]);
        using var wave = WaveDetector.Select(scores, config);
        using var perSequence = wave.To(ScalarType.Float32).Sum(1);
        perSequence.ToArray<float>().Should().Equal(4f, 4f, 4f);
    }

    [Fact]
    public void The_detector_learns_through_the_straight_through_gate()
    {
        var config = Tiny();
        Dashboard.Torch.Torch.ManualSeed(5);
        using var attention = new WaveSelectiveAttention(config);
        using var x = Dashboard.Torch.Torch.Randn([2, 20, config.Width]);
        using var y = attention.Forward(x);
        using var loss = y.Square().Mean();
        loss.Backward();
        var detector = attention.Detector.Parameters().ToList();
        detector.Should().OnlyContain(p => p.Grad != null && p.Grad.Abs().Sum().ToDouble() > 0);
    }
}
