namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>One trial's row, as the seed's results.csv: rotation in degrees (NaN when the field blew up), wave and speed.</summary>
public sealed record TrialResult(long Trial, InitialCondition Family, double Rotation, bool HasWave, double? Speed);
