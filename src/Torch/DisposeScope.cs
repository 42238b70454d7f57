namespace Dashboard.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope, and disposes them
/// when it ends, except those moved out with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>. Scopes nest and must end in reverse order.
/// </summary>
/// <example><code>
/// using (var scope = Torch.NewDisposeScope())
/// {
///     var loss = Step(batch);          // every intermediate belongs to the scope
///     result = loss.MoveToOuterScope(); // survives the scope
/// }
/// </code></example>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly List<Tensor> _owned = [];
    private bool _disposed;

    internal DisposeScope()
    {
        Outer = t_current;
        t_current = this;
    }

    internal static DisposeScope? Current => t_current;

    internal DisposeScope? Outer { get; }

    /// <summary>Tensors this scope still owns.</summary>
    public int Count => _owned.Count(t => ReferenceEquals(t.Scope, this) && !t.IsDisposed);

    internal void Adopt(Tensor tensor)
    {
        tensor.Scope = this;
        _owned.Add(tensor);
    }

    /// <summary>Disposes everything the scope owns now, and keeps the scope open.</summary>
    public void DisposeEverything()
    {
        foreach (var tensor in _owned)
            if (ReferenceEquals(tensor.Scope, this)) tensor.Dispose();
        _owned.Clear();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposeEverything();
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("dispose scopes must end in the reverse order they began");
        t_current = Outer;
    }
}
