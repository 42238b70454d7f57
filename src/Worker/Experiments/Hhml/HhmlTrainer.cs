using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>What one cycle measured.</summary>
public sealed record HhmlCycle(
    long Cycle, VortexMetrics Metrics, long Removed, QualityReward Reward, long CyclesAtTarget, double Value, double Loss, double GradNorm,
    ControlParameters Controls);

/// <summary>
/// The seed's training loop (<c>train_h200_scaled.py</c>), one cycle at a time: encode the state, run the agent, add
/// exploration noise to the mapped controls, act on the strips, evolve the field, annihilate, score, and take an Adam
/// step on loss = −value·R with the gradient norm clipped. In as-run mode the field update is computed with the seed's
/// positional arguments (t = omega, sample_ratio = damping, damping = nonlinearity, nonlinearity = 1) and discarded, and
/// only two head outputs per strip act; in intended mode the update (seed's keyword arguments) is written back and every
/// head output acts. The loss is what the seed optimised: it is not a policy gradient; it pushes the value head's output
/// towards −∞ in proportion to R, whatever the actions were.
/// </summary>
public sealed class HhmlTrainer : IDisposable
{
    public HhmlTrainer(HhmlConfig config, Device device)
    {
        Config = config;
        Device = device;
        var strips = new StripEnvironment(config, device);
        HhmlAgent? agent = null;
        try
        {
            agent = new HhmlAgent(config.Scale);
            agent.To(device);   // on CUDA this also puts the LSTM's weights into cuDNN's one flat buffer (LSTM.FlattenParameters)
        }
        catch
        {
            // An allocation failure here must not leave the strips' tensors behind in a worker that goes on serving.
            agent?.Dispose();
            strips.Dispose();
            throw;
        }
        Run = new HhmlRun(strips, agent);
        // Adam is AdamW without decay; parameters without a gradient (the strip and control heads) are skipped, as by Adam.
        // On CUDA the step counts live on the device so that the step is libtorch's fused kernel: it reads parameters,
        // gradients and both moments once and writes three of them (7 passes over the 4.4 GB of trained weights at
        // h200-scaled) where the multi-tensor path's nine ops make about 22.
        Optimizer = new AdamW(Run.Agent.TrainedParameters(), config.LearningRate, weightDecay: 0.0, capturable: device.IsCuda);
        _trained = Run.Agent.TrainedParameters().ToList();
    }

    private readonly List<Tensor> _trained;

    public HhmlConfig Config { get; }
    public Device Device { get; }
    public HhmlRun Run { get; }
    public StripEnvironment Strips => Run.Strips;
    public HhmlAgent Agent => Run.Agent;
    public AdamW Optimizer { get; }

    /// <summary>c: consecutive cycles at density ≥ 0.95 so far (kept in checkpoints).</summary>
    public long CyclesAtTarget { get; set; }

    /// <summary>Runs cycle <paramref name="cycle"/> (1-based, as the seed's log counts them).</summary>
    public HhmlCycle Step(long cycle)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var state = Strips.EncodeState(Config.SamplesPerStrip);
        var (value, actions, raw) = Agent.Forward(state);

        var epsilon = Config.Exploration * (1.0 - (double)(cycle - 1) / Config.Cycles);
        double[]? noise = null;
        if (epsilon > 0)
            noise = (Torch.Torch.Randn([ControlParameters.Names.Length], ScalarType.Float32, Device) * (epsilon * 0.3)).ToArray<double>();
        var cp = ControlParameters.Map(raw, noise);

        using (Torch.Torch.NoGrad())
        {
            if (Config.Intended)
            {
                Strips.ApplyNodeActions(actions, cp.AmpVariance);
                var (re, im, index) = Strips.Propagate(cp.SampleRatio, cp.Damping, cp.Nonlinearity);
                Strips.WriteBack(re, im, index);
            }
            else
            {
                var firstTwo = actions.Narrow(1, 0, 2).ToArray<float>();
                var pairs = new float[Config.Strips, 2];
                for (var s = 0; s < Config.Strips; s++) (pairs[s, 0], pairs[s, 1]) = (firstTwo[2 * s], firstTwo[2 * s + 1]);
                Strips.ApplyStripActions(pairs);
                // evolve_field(cp['omega'], cp['damping'], cp['nonlinearity'], 1) onto (t, sample_ratio, damping, nonlinearity):
                // computed, and its result thrown away, as in the seed.
                Strips.Propagate(sampleRatio: cp.Damping, damping: cp.Nonlinearity, nonlinearity: 1);
            }
        }

        var removed = Annihilation.Apply(Strips, cp, Config.QualityRadius);
        var metrics = VortexQuality.Measure(Strips, Config.VortexThreshold, Config.QualityRadius);
        var reward = QualityReward.Compute(metrics, removed, CyclesAtTarget);
        CyclesAtTarget = QualityReward.NextCyclesAtTarget(metrics.Density, CyclesAtTarget);

        var loss = value * -reward.Total;
        Optimizer.ZeroGrad();
        loss.Backward();
        var gradNorm = GradientClipping.ClipGradNormOnDevice(_trained, Config.GradClip);
        Optimizer.Step();
        // The value, the loss and the norm in one read from the device, after the step is queued.
        var read = Torch.Torch.Stack([value.Detach().To(ScalarType.Float64), loss.Detach().To(ScalarType.Float64), gradNorm.To(ScalarType.Float64)])
            .ToArray<double>();
        return new HhmlCycle(cycle, metrics, removed, reward, CyclesAtTarget, read[0], read[1], read[2], cp);
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Run.Dispose();
    }
}

/// <summary>Everything a checkpoint keeps besides the optimizer: the agent ("agent.*") and the strips' state ("strips.*").</summary>
public sealed class HhmlRun : Module
{
    public HhmlRun(StripEnvironment strips, HhmlAgent agent)
    {
        Strips = RegisterModule("strips", strips);
        Agent = RegisterModule("agent", agent);
    }

    public StripEnvironment Strips { get; }
    public HhmlAgent Agent { get; }
}
