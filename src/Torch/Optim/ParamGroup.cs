namespace Dashboard.Torch.Optim;

/// <summary>Parameters that share a learning rate and weight decay (PyTorch's param_groups entry).</summary>
public sealed class ParamGroup(IEnumerable<Tensor> parameters, double learningRate, double weightDecay = 0.0)
{
    public IReadOnlyList<Tensor> Parameters { get; } = parameters.ToList();

    /// <summary>The rate used by the next step; schedules change it.</summary>
    public double LearningRate { get; set; } = learningRate;

    /// <summary>The rate the group was created with; schedules scale it.</summary>
    public double InitialLearningRate { get; } = learningRate;

    public double WeightDecay { get; set; } = weightDecay;

    /// <summary>
    /// The rate as a 0-dimensional float tensor on the parameters' device, read by a capturable AdamW step instead of
    /// <see cref="LearningRate"/>; null: the host value. A step captured in a CUDA graph reads it at every replay, so a
    /// schedule can change the rate between replays by writing into the tensor (a host rate is frozen into the graph).
    /// </summary>
    public Tensor? LearningRateTensor { get; set; }
}
