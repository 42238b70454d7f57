namespace Dashboard.Worker.Experiments.Training;

/// <summary>How a <see cref="GraphedStep"/> runs a trainer's step.</summary>
public enum StepGraphs
{
    /// <summary>Every step eagerly, as written.</summary>
    Off,

    /// <summary>
    /// On CUDA: eager warm-up steps on a side stream, then the step captured once in a CUDA graph and replayed. On any
    /// other device, or when capture fails, eagerly, with the reason in the run's log.
    /// </summary>
    Cuda,

    /// <summary>
    /// The graph path's discipline without a GPU: the same warm-up, static input tensors and static output, a
    /// "capture" that runs the step with host reads forbidden (what a CUDA capture rejects first), and "replays" that
    /// run the step again on the static tensors with host reads still forbidden. A failed rehearsal restores what the
    /// step changed and falls back as a failed capture does. The CPU tests use it to check that a trainer's step is
    /// capturable, that the fallback works, and that the graph path computes what the eager path does.
    /// </summary>
    Rehearsal,
}
