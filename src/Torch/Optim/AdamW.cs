using System.Globalization;

namespace Dashboard.Torch.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), op for op as PyTorch's
/// single-tensor AdamW so results match it: decay, moment updates, bias-corrected step.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly Dictionary<int, State> _state = [];
    private readonly Dictionary<int, Tensor> _groupSteps = [];

    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool useForeach = true, bool capturable = false)
        : this([new ParamGroup(parameters, learningRate, weightDecay)], beta1, beta2, eps, useForeach, capturable) { }

    /// <param name="useForeach">
    /// Update each group with libtorch's multi-tensor (_foreach_*) kernels: the same arithmetic,
    /// far fewer kernel launches on a GPU. Groups whose parameters are at different steps, or a
    /// libtorch without those ops, take the per-tensor path.
    /// </param>
    /// <param name="capturable">
    /// Keep the step count on the parameters' device and compute the bias corrections there (PyTorch's
    /// <c>capturable=True</c>), so that a step can be captured in a CUDA graph and replayed: no value of a step is
    /// decided on the host. The parameters of a group then share one step counter. Weight decay is read on the host,
    /// and so is the learning rate unless the group gives it as a tensor (<see cref="ParamGroup.LearningRateTensor"/>):
    /// a captured step keeps the host values it was captured with.
    /// </param>
    /// <param name="useFused">
    /// With <paramref name="capturable"/>, update each group of CUDA parameters with libtorch's fused AdamW kernel
    /// (<c>_fused_adamw_</c>, 2.0+): one launch for the whole group instead of a dozen multi-tensor ones, reading the
    /// step count on the device. Libtorch without it (Debian's 1.13), CPU parameters or mixed dtypes take the
    /// multi-tensor path, which computes the same update.
    /// </param>
    public AdamW(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool useForeach = true,
        bool capturable = false, bool useFused = true)
        : base(groups)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Foreach = useForeach && ForeachOps.Available;
        Capturable = capturable;
        Fused = capturable && useFused && FusedAdamW.Exists;
    }

    /// <summary>Whether capturable steps of CUDA parameter groups go through libtorch's fused kernel.</summary>
    public bool Fused { get; }

    public bool Foreach { get; }

    public bool Capturable { get; }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    private sealed class State(Tensor expAvg, Tensor expAvgSq)
    {
        public Tensor ExpAvg { get; } = expAvg;
        public Tensor ExpAvgSq { get; } = expAvgSq;
        public long Step { get; set; }
    }

    public override void Step() => StepGroups(null);

    /// <summary>
    /// <see cref="Step"/>, then each matrix of <paramref name="unitMatrices"/> back on the unit sphere, every vector along
    /// its Dim divided by its norm (nGPT's projection); returns Σ |‖v‖ − 1| over those vectors before the division, a
    /// float32 scalar on their device, without host synchronisation. Where the fused kernel runs
    /// (<see cref="FusedKernel.AdamWProjection"/>: a capturable step through the fused path, the matrices float32
    /// parameters of this optimizer on one CUDA device, each with a gradient) the step and the projection of those
    /// matrices are one pass over them, a launch per group; otherwise the step, then
    /// <see cref="Dashboard.Torch.Fused.ProjectToSphereMeasuringDeviation"/>, which computes the same.
    /// </summary>
    /// <param name="useKernel">false: the step, then the projection, whatever the build (to compare, or to time without it).</param>
    public Tensor StepProjecting(IReadOnlyList<(Tensor Weight, int Dim)> unitMatrices, bool useKernel = true)
    {
        if (unitMatrices.Count == 0) throw new ArgumentException("no matrices to project", nameof(unitMatrices));
        foreach (var (w, dim) in unitMatrices)   // before the step, so that a bad list changes nothing
        {
            if (w.Dim != 2) throw new ArgumentException($"every weight to project must be a matrix; got {w}", nameof(unitMatrices));
            if (dim is < -2 or > 1) throw new ArgumentOutOfRangeException(nameof(unitMatrices), dim, "dim must be 0, 1 or -1.");
        }
        if (useKernel && KernelTakes(unitMatrices) is { } plan) return StepGroups(plan)!;
        Step();
        return Dashboard.Torch.Fused.ProjectToSphereMeasuringDeviation(unitMatrices, useKernel);
    }

    /// <summary>Whether <see cref="StepProjecting"/> would step and project these matrices with the fused kernel now (their gradients set).</summary>
    public bool ProjectsWithKernel(IReadOnlyList<(Tensor Weight, int Dim)> unitMatrices) => KernelTakes(unitMatrices) is not null;

    /// <summary>The matrices the kernel projects, by parameter, with their dims, for each group that has any.</summary>
    private sealed record UnitPlan(Dictionary<int, Dictionary<Tensor, int>> DimsByGroup);

    private UnitPlan? KernelTakes(IReadOnlyList<(Tensor Weight, int Dim)> unitMatrices)
    {
        if (!Capturable || !Fused || !Dashboard.Torch.Fused.Usable(FusedKernel.AdamWProjection)) return null;
        var device = unitMatrices[0].Weight.Device;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var byGroup = new Dictionary<int, Dictionary<Tensor, int>>();
        foreach (var (w, dim) in unitMatrices)
        {
            if (!AdamWProjectionKernel.Takes(w, w.Grad) || w.Device != device || !seen.Add(w)) return null;
            var g = GroupOf(w);
            if (g < 0) return null;   // not a parameter of this optimizer: it would not be stepped
            var lr = Groups[g].LearningRateTensor;
            if (lr is not null && (lr.Dtype != ScalarType.Float32 || lr.Device != device)) return null;
            if (!byGroup.TryGetValue(g, out var dims)) byGroup[g] = dims = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
            dims[w] = dim;
        }
        return new UnitPlan(byGroup);
    }

    private int GroupOf(Tensor parameter)
    {
        for (var g = 0; g < Groups.Count; g++)
            if (Groups[g].Parameters.Any(p => ReferenceEquals(p, parameter))) return g;
        return -1;
    }

    // Every group's step; the plan's matrices, if any, through the kernel with the projection (its deviation returned).
    private Tensor? StepGroups(UnitPlan? plan)
    {
        using var noGrad = Torch.NoGrad();
        Tensor? deviation = null;
        var index = 0;
        var groupIndex = 0;
        foreach (var group in Groups)
        {
            var g = groupIndex++;
            using var scope = Torch.NewDisposeScope();
            var items = new List<(Tensor Param, Tensor Grad, State State)>();
            foreach (var p in group.Parameters)
            {
                var i = index++;
                var grad = p.Grad;
                if (grad is null) continue;
                if (!_state.TryGetValue(i, out var s))
                    _state[i] = s = new State(Own(Torch.ZerosLike(p)), Own(Torch.ZerosLike(p)));
                items.Add((p, grad, s));
            }
            if (items.Count == 0) continue;
            if (plan is not null && plan.DimsByGroup.TryGetValue(g, out var dims))
            {
                var part = StepCapturable(g, group, items, dims)!;
                deviation = (deviation is null ? part : deviation + part).MoveToOuterScope();
            }
            else if (Capturable) StepCapturable(g, group, items, null);
            else if (Foreach && items.All(it => it.State.Step == items[0].State.Step)) StepForeach(group, items);
            else foreach (var it in items) StepOne(group, it.Param, it.Grad, it.State);
        }
        return deviation;
    }

    // PyTorch 1.13's _single_tensor_adamw, op for op.
    private void StepOne(ParamGroup group, Tensor p, Tensor grad, State s)
    {
        using var scope = Torch.NewDisposeScope();
        s.Step++;
        double lr = group.LearningRate, wd = group.WeightDecay;
        p.Mul_(1 - lr * wd);
        s.ExpAvg.Mul_(Beta1).Add_(grad, alpha: 1 - Beta1);
        s.ExpAvgSq.Mul_(Beta2).Addcmul_(grad, grad, value: 1 - Beta2);
        var biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, s.Step);
        var stepSize = lr / biasCorrection1;
        var denom = (s.ExpAvgSq.Sqrt() / Math.Sqrt(biasCorrection2)).Add_(Eps);
        p.Addcdiv_(s.ExpAvg, denom, value: -stepSize);
    }

    // The same arithmetic over the whole group at once; every parameter is at the same step, so
    // the bias corrections are scalars.
    private void StepForeach(ParamGroup group, List<(Tensor Param, Tensor Grad, State State)> items)
    {
        foreach (var it in items) it.State.Step++;
        var step = items[0].State.Step;
        double lr = group.LearningRate, wd = group.WeightDecay;
        var (ps, m, v) = DecayAndUpdateMoments(items, lr, wd);
        var biasCorrection1 = 1 - Math.Pow(Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, step);
        var stepSize = lr / biasCorrection1;
        var denom = ForeachOps.Sqrt.CallMany(v.Length, v).Select(t => t!).ToArray();
        ForeachOps.DivScalar.CallInPlace(denom, Math.Sqrt(biasCorrection2));
        ForeachOps.AddScalar.CallInPlace(denom, Eps);
        ForeachOps.AddcdivScalar.CallInPlace(ps, m, denom, -stepSize);
    }

    // Both multi-tensor paths: p ← p·(1 − lr·wd); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g². Returns p, m, v.
    private (Tensor[] Params, Tensor[] ExpAvg, Tensor[] ExpAvgSq) DecayAndUpdateMoments(
        List<(Tensor Param, Tensor Grad, State State)> items, double lr, double wd)
    {
        var ps = items.Select(it => it.Param).ToArray();
        var gs = items.Select(it => it.Grad).ToArray();
        var m = items.Select(it => it.State.ExpAvg).ToArray();
        var v = items.Select(it => it.State.ExpAvgSq).ToArray();
        ForeachOps.MulScalar.CallInPlace(ps, 1 - lr * wd);
        ForeachOps.MulScalar.CallInPlace(m, Beta1);
        ForeachOps.AddList.CallInPlace(m, gs, 1 - Beta1);
        ForeachOps.MulScalar.CallInPlace(v, Beta2);
        ForeachOps.AddcmulScalar.CallInPlace(v, gs, gs, 1 - Beta2);
        return (ps, m, v);
    }

    // The same update with the step count and the bias corrections as device tensors (PyTorch's capturable
    // multi-tensor AdamW): p ← p·(1 − lr·wd); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
    // p ← p + m / ((√v / √(1 − β₂ᵗ) + ε) / (−lr / (1 − β₁ᵗ))).
    // With unitDims, those of the items go through the kernel with the projection (its deviation returned), the rest as here.
    private Tensor? StepCapturable(int groupIndex, ParamGroup group, List<(Tensor Param, Tensor Grad, State State)> items,
        Dictionary<Tensor, int>? unitDims)
    {
        var step = GroupStep(groupIndex, items[0].Param);
        step.Add_(1.0);
        double lr = group.LearningRate, wd = group.WeightDecay;
        var lrTensor = group.LearningRateTensor;
        Tensor? deviation = null;
        if (unitDims is not null)
        {
            var onSphere = items.Where(it => unitDims.ContainsKey(it.Param))
                .Select(it => (it.Param, it.Grad, it.State.ExpAvg, it.State.ExpAvgSq, unitDims[it.Param])).ToList();
            deviation = AdamWProjectionKernel.Step(onSphere, step, lrTensor, lr, Beta1, Beta2, wd, Eps);
            items = items.Where(it => !unitDims.ContainsKey(it.Param)).ToList();
            if (items.Count == 0) return deviation;
        }
        if (UsesFusedKernel(items[0].Param) && items.All(it => it.Param.Device.IsCuda && it.Param.Dtype == items[0].Param.Dtype)
            && (lrTensor is null || (FusedAdamW.TensorLrExists && lrTensor.Dtype == ScalarType.Float32)))
        {
            // The kernel reads each parameter's step tensor; the group shares one, so it is listed once per parameter.
            FusedAdamW.Call(items.Select(it => it.Param).ToArray(), items.Select(it => it.Grad).ToArray(),
                items.Select(it => it.State.ExpAvg).ToArray(), items.Select(it => it.State.ExpAvgSq).ToArray(), [],
                items.Select(_ => step).ToArray(), lrTensor is null ? lr : lrTensor, Beta1, Beta2, wd, Eps, false, false);
            return deviation;
        }
        var negativeStepSize = (1.0 - ForeachOps.PowScalarBase.Call(Beta1, step)).Reciprocal();          // 1 / (1 − β₁ᵗ)
        if (lrTensor is null) negativeStepSize.Mul_(-lr);                                                 // −lr / (1 − β₁ᵗ)
        else negativeStepSize = -(negativeStepSize * lrTensor);
        var biasCorrection2Sqrt = (1.0 - ForeachOps.PowScalarBase.Call(Beta2, step)).Sqrt();              // √(1 − β₂ᵗ)
        if (lrTensor is not null)
        {
            // p ← p·(1 − lr·wd) with the rate on the device, then the moments and the update as below, without decay.
            if (wd != 0)
            {
                var decay = lrTensor * -wd + 1.0;
                foreach (var it in items) it.Param.Mul_(decay);
            }
            wd = 0;
        }
        if (Foreach)
        {
            var (ps, m, v) = DecayAndUpdateMoments(items, lr, wd);
            var denom = ForeachOps.Sqrt.CallMany(v.Length, v).Select(t => t!).ToArray();
            DivideEach(denom, biasCorrection2Sqrt);
            ForeachOps.AddScalar.CallInPlace(denom, Eps);
            DivideEach(denom, negativeStepSize);
            ForeachOps.AddcdivScalar.CallInPlace(ps, m, denom, 1.0);
            return deviation;
        }
        foreach (var (p, grad, s) in items)
        {
            p.Mul_(1 - lr * wd);
            s.ExpAvg.Mul_(Beta1).Add_(grad, alpha: 1 - Beta1);
            s.ExpAvgSq.Mul_(Beta2).Addcmul_(grad, grad, value: 1 - Beta2);
            var denom = (s.ExpAvgSq.Sqrt() / biasCorrection2Sqrt).Add_(Eps).Div_(negativeStepSize);
            p.Addcdiv_(s.ExpAvg, denom);
        }
        return deviation;
    }

    /// <summary>tensors[i] /= divisor (a 0-dimensional tensor): one multi-tensor kernel where libtorch has it (2.1+).</summary>
    private static void DivideEach(Tensor[] tensors, Tensor divisor)
    {
        if (ForeachOps.DivTensorAvailable) ForeachOps.DivTensor.CallInPlace(tensors, divisor);
        else foreach (var t in tensors) t.Div_(divisor);
    }

    /// <summary>Whether a capturable group of parameters like <paramref name="like"/> goes through the fused kernel.</summary>
    private bool UsesFusedKernel(Tensor like) => Fused && like.Device.IsCuda;

    /// <summary>
    /// The group's step count on the parameters' device: float32 for the fused kernel, which reads every step count as a
    /// float32 whatever the parameters' type (a float64 count read so was 0, and its bias correction divided by zero:
    /// NaN from the first step of every float64 graphed run on an H100, 2026-12-07); otherwise float64 for float64
    /// parameters, else float32, as PyTorch's capturable AdamW.
    /// </summary>
    private Tensor GroupStep(int groupIndex, Tensor like)
    {
        if (_groupSteps.TryGetValue(groupIndex, out var step)) return step;
        var dtype = like.Dtype == ScalarType.Float64 && !UsesFusedKernel(like) ? ScalarType.Float64 : ScalarType.Float32;
        using (var scope = Torch.NewDisposeScope()) step = Own(Torch.Zeros([], dtype, like.Device));
        _groupSteps[groupIndex] = step;
        return step;
    }

    private static class FusedAdamW
    {
        private static readonly Op Op = new("aten::_fused_adamw_");
        private static readonly Lazy<bool> s_exists = new(() => Op.Exists("aten::_fused_adamw_"));
        internal static bool Exists => s_exists.Value;

        private static readonly Op TensorLrOp = new("aten::_fused_adamw_", "tensor_lr");
        private static readonly Lazy<bool> s_tensorLr = new(() => Op.Exists("aten::_fused_adamw_", "tensor_lr"));

        /// <summary>Whether libtorch has the overload that reads the learning rate from a tensor (2.2+).</summary>
        internal static bool TensorLrExists => s_tensorLr.Value;

        // _fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, *, lr, beta1, beta2,
        //               weight_decay, eps, amsgrad, maximize, grad_scale=None, found_inf=None)
        internal static void Call(Tensor[] ps, Tensor[] grads, Tensor[] m, Tensor[] v, Tensor[] vMax, Tensor[] steps,
            object lr, double beta1, double beta2, double weightDecay, double eps, bool amsgrad, bool maximize)
        {
            if (lr is Tensor rate) TensorLrOp.CallInPlace(ps, grads, m, v, vMax, steps, rate, beta1, beta2, weightDecay, eps, amsgrad, maximize);
            else Op.CallInPlace(ps, grads, m, v, vMax, steps, (double)lr, beta1, beta2, weightDecay, eps, amsgrad, maximize);
        }
    }

    private static class ForeachOps
    {
        internal static readonly Op PowScalarBase = new("aten::pow", "Scalar");
        internal static readonly Op DivTensor = new("aten::_foreach_div_", "Tensor");
        internal static bool DivTensorAvailable => s_divTensor.Value;
        private static readonly Lazy<bool> s_divTensor = new(() => Op.Exists(DivTensor.Name, DivTensor.Overload));

        internal static readonly Op MulScalar = new("aten::_foreach_mul_", "Scalar");
        internal static readonly Op DivScalar = new("aten::_foreach_div_", "Scalar");
        internal static readonly Op AddScalar = new("aten::_foreach_add_", "Scalar");
        internal static readonly Op AddList = new("aten::_foreach_add_", "List");
        internal static readonly Op AddcmulScalar = new("aten::_foreach_addcmul_", "Scalar");
        internal static readonly Op AddcdivScalar = new("aten::_foreach_addcdiv_", "Scalar");
        internal static readonly Op Sqrt = new("aten::_foreach_sqrt");

        internal static bool Available => s_available.Value;

        private static readonly Lazy<bool> s_available = new(() =>
            new[] { MulScalar, DivScalar, AddScalar, AddList, AddcmulScalar, AddcdivScalar, Sqrt }.All(o => Op.Exists(o.Name, o.Overload)));
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (i, s) in _state)
        {
            tensors[$"{i}.exp_avg"] = s.ExpAvg;
            tensors[$"{i}.exp_avg_sq"] = s.ExpAvgSq;
        }
        return tensors;
    }

    public override IReadOnlyDictionary<string, string> StateValues()
    {
        var values = new Dictionary<string, string>(base.StateValues())
        {
            ["type"] = "AdamW",
            ["beta1"] = Format(Beta1),
            ["beta2"] = Format(Beta2),
            ["eps"] = Format(Eps),
        };
        if (Capturable)
        {
            var steps = _groupSteps.ToDictionary(kv => kv.Key, kv => (long)Math.Round(kv.Value.ToDouble()));
            foreach (var (i, _, group) in Indexed())
                if (_state.ContainsKey(i) && steps.TryGetValue(GroupIndex(group), out var step))
                    values[$"{i}.step"] = step.ToString(CultureInfo.InvariantCulture);
            return values;
        }
        foreach (var (i, s) in _state) values[$"{i}.step"] = s.Step.ToString(CultureInfo.InvariantCulture);
        return values;
    }

    public override void LoadState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> values)
    {
        base.LoadState(tensors, values);
        using var noGrad = Torch.NoGrad();
        foreach (var (i, p, group) in Indexed())
        {
            if (!values.TryGetValue($"{i}.step", out var step)) continue;
            if (!_state.TryGetValue(i, out var s))
                _state[i] = s = new State(Own(Torch.ZerosLike(p)), Own(Torch.ZerosLike(p)));
            s.ExpAvg.CopyFrom(tensors[$"{i}.exp_avg"]);
            s.ExpAvgSq.CopyFrom(tensors[$"{i}.exp_avg_sq"]);
            s.Step = long.Parse(step, CultureInfo.InvariantCulture);
            if (Capturable) GroupStep(GroupIndex(group), p).Fill_(s.Step);
        }
    }

    private int GroupIndex(ParamGroup group)
    {
        for (var g = 0; g < Groups.Count; g++)
            if (ReferenceEquals(Groups[g], group)) return g;
        throw new ArgumentException("not a group of this optimizer", nameof(group));
    }

    public override void Dispose()
    {
        foreach (var s in _state.Values)
        {
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
        }
        _state.Clear();
        foreach (var step in _groupSteps.Values) step.Dispose();
        _groupSteps.Clear();
    }
}
