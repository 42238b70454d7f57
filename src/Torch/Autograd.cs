using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>PyTorch's <c>torch.autograd</c> functions that go beyond <see cref="Tensor.Backward"/>.</summary>
public static class Autograd
{
    /// <summary>
    /// <c>torch.autograd.grad</c>: the gradients of <paramref name="outputs"/> (weighted by
    /// <paramref name="gradOutputs"/>; null entries or a null list mean ones, for scalar outputs) with respect to
    /// <paramref name="inputs"/>, returned as new tensors without touching any <c>.Grad</c>. With
    /// <paramref name="createGraph"/> the gradients are themselves differentiable (double backward, e.g. a
    /// loss of forces that are gradients of an energy). <paramref name="retainGraph"/> defaults to
    /// <paramref name="createGraph"/>, as in PyTorch. An input the outputs do not depend on gives null when
    /// <paramref name="allowUnused"/>, an error otherwise.
    /// </summary>
    public static unsafe Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
        bool createGraph = false, bool? retainGraph = null, bool allowUnused = false)
    {
        if (gradOutputs is not null && gradOutputs.Length != outputs.Length)
            throw new ArgumentException($"{gradOutputs.Length} grad outputs for {outputs.Length} outputs", nameof(gradOutputs));
        var outputHandles = stackalloc IntPtr[outputs.Length];
        var gradHandles = stackalloc IntPtr[outputs.Length];
        var inputHandles = stackalloc IntPtr[inputs.Length];
        var results = stackalloc IntPtr[inputs.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputHandles[i] = outputs[i].Handle;
            gradHandles[i] = gradOutputs?[i]?.Handle ?? IntPtr.Zero;
        }
        for (var i = 0; i < inputs.Length; i++) inputHandles[i] = inputs[i].Handle;
        var status = NativeMethods.dt_autograd_grad(outputHandles, gradHandles, outputs.Length, inputHandles, inputs.Length,
            retainGraph is { } r ? (r ? 1 : 0) : -1, createGraph ? 1 : 0, allowUnused ? 1 : 0, results);
        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        GC.KeepAlive(gradOutputs);
        NativeMethods.Check(status);
        var grads = new Tensor?[inputs.Length];
        for (var i = 0; i < inputs.Length; i++) grads[i] = results[i] == IntPtr.Zero ? null : new Tensor(results[i]);
        return grads;
    }

    /// <summary>The gradient of one scalar with respect to one input (see <see cref="Grad(Tensor[], Tensor[], Tensor?[], bool, bool?, bool)"/>).</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool createGraph = false, bool? retainGraph = null) =>
        Grad([output], [input], null, createGraph, retainGraph)[0]!;
}
