using System.Runtime.InteropServices;

namespace Dashboard.Torch.Native;

/// <summary>dt_arg: one tagged argument of a generic operator call.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct NativeArg
{
    [FieldOffset(0)] public ArgKind Tag;
    [FieldOffset(4)] public int Length;
    [FieldOffset(8)] public long Int;
    [FieldOffset(8)] public double Double;
    [FieldOffset(8)] public IntPtr Pointer;
}

/// <summary>The tags of dt_arg (enum dt_arg_tag).</summary>
internal enum ArgKind
{
    None = 0,
    Tensor = 1,
    Int = 2,
    Double = 3,
    Bool = 4,
    IntList = 5,
    DoubleList = 6,
    TensorList = 7,
    OptionalTensorList = 8,
    ScalarType = 9,
    String = 10,
    Device = 11,
}
