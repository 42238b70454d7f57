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
}
