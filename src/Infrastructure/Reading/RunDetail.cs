using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;
using Dashboard.Domain.Workers;

namespace Dashboard.Infrastructure.Reading;

/// <summary>A run with what a page shows beside it: its experiment, and the worker that ran it (if known).</summary>
public sealed record RunDetail(Run Run, Experiment Experiment, WorkerInfo? Worker);
