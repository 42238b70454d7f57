namespace Dashboard.Torch;

/// <summary>
/// The aten operators the typed wrappers call, each resolved on first use and then kept.
/// Names follow the schema: <c>new("aten::name", "overload")</c>.
/// </summary>
internal static class Ops
{
    // elementwise
    internal static readonly Op AddTensor = new("aten::add", "Tensor");
    internal static readonly Op RSubScalar = new("aten::rsub", "Scalar");
    internal static readonly Op DivScalar = new("aten::div", "Scalar");
    internal static readonly Op Neg = new("aten::neg");
    internal static readonly Op Exp = new("aten::exp");
    internal static readonly Op Log = new("aten::log");
    internal static readonly Op Abs = new("aten::abs");
    internal static readonly Op Sqrt = new("aten::sqrt");
    internal static readonly Op Rsqrt = new("aten::rsqrt");
    internal static readonly Op Reciprocal = new("aten::reciprocal");
    internal static readonly Op Square = new("aten::square");
    internal static readonly Op PowScalar = new("aten::pow", "Tensor_Scalar");
    internal static readonly Op PowTensor = new("aten::pow", "Tensor_Tensor");
    internal static readonly Op Sin = new("aten::sin");
    internal static readonly Op Cos = new("aten::cos");
    internal static readonly Op Tanh = new("aten::tanh");
    internal static readonly Op Sigmoid = new("aten::sigmoid");
    internal static readonly Op Relu = new("aten::relu");
    internal static readonly Op Silu = new("aten::silu");
    internal static readonly Op Softplus = new("aten::softplus");
    internal static readonly Op Gelu = new("aten::gelu");
    internal static readonly Op Clamp = new("aten::clamp");
    internal static readonly Op ClampMin = new("aten::clamp_min");
    internal static readonly Op Maximum = new("aten::maximum");
    internal static readonly Op Minimum = new("aten::minimum");
    internal static readonly Op Where = new("aten::where", "self");
    internal static readonly Op Eq = new("aten::eq", "Tensor");
    internal static readonly Op EqScalar = new("aten::eq", "Scalar");
    internal static readonly Op Ne = new("aten::ne", "Tensor");
    internal static readonly Op Gt = new("aten::gt", "Tensor");
    internal static readonly Op GtScalar = new("aten::gt", "Scalar");
    internal static readonly Op Lt = new("aten::lt", "Tensor");
    internal static readonly Op LtScalar = new("aten::lt", "Scalar");
    internal static readonly Op Ge = new("aten::ge", "Scalar");
    internal static readonly Op Le = new("aten::le", "Scalar");
    internal static readonly Op LogicalNot = new("aten::logical_not");
    internal static readonly Op LogicalAnd = new("aten::logical_and");
    internal static readonly Op Lerp = new("aten::lerp", "Scalar");
    internal static readonly Op Atan2 = new("aten::atan2");

    // reductions
    internal static readonly Op Sum = new("aten::sum");
    internal static readonly Op SumDim = new("aten::sum", "dim_IntList");
    internal static readonly Op Mean = new("aten::mean");
    internal static readonly Op MeanDim = new("aten::mean", "dim");
    internal static readonly Op Max = new("aten::max");
    internal static readonly Op MaxDim = new("aten::max", "dim");
    internal static readonly Op Min = new("aten::min");
    internal static readonly Op MinDim = new("aten::min", "dim");
    internal static readonly Op Amax = new("aten::amax");
    internal static readonly Op Argmax = new("aten::argmax");
    internal static readonly Op Argmin = new("aten::argmin");
    internal static readonly Op LogSumExp = new("aten::logsumexp");
    internal static readonly Op Norm = new("aten::norm", "ScalarOpt_dim");
    internal static readonly Op NormAll = new("aten::norm", "Scalar");
    internal static readonly Op Var = new("aten::var", "correction");
    internal static readonly Op Std = new("aten::std", "correction");
    internal static readonly Op Cumsum = new("aten::cumsum");
    internal static readonly Op TopK = new("aten::topk");
    internal static readonly Op Sort = new("aten::sort");
    internal static readonly Op AllClose = new("aten::allclose");
    internal static readonly Op Equal = new("aten::equal");

    // linear algebra
    internal static readonly Op Bmm = new("aten::bmm");
    internal static readonly Op Mm = new("aten::mm");
    internal static readonly Op Linear = new("aten::linear");
    internal static readonly Op Einsum = new("aten::einsum");
    internal static readonly Op Outer = new("aten::outer");
    internal static readonly Op LinalgEigh = new("aten::linalg_eigh");

    // shape and views
    internal static readonly Op View = new("aten::view");
    internal static readonly Op Reshape = new("aten::reshape");
    internal static readonly Op Transpose = new("aten::transpose", "int");
    internal static readonly Op Permute = new("aten::permute");
    internal static readonly Op Unsqueeze = new("aten::unsqueeze");
    internal static readonly Op SqueezeDim = new("aten::squeeze", "dim");
    internal static readonly Op Flatten = new("aten::flatten", "using_ints");
    internal static readonly Op Contiguous = new("aten::contiguous");
    internal static readonly Op Expand = new("aten::expand");
    internal static readonly Op Slice = new("aten::slice", "Tensor");
    internal static readonly Op Narrow = new("aten::narrow");
    internal static readonly Op Select = new("aten::select", "int");
    internal static readonly Op Cat = new("aten::cat");
    internal static readonly Op Stack = new("aten::stack");
    internal static readonly Op Split = new("aten::split", "Tensor");
    internal static readonly Op SplitWithSizes = new("aten::split_with_sizes");
    internal static readonly Op Chunk = new("aten::chunk");
    internal static readonly Op Unbind = new("aten::unbind", "int");
    internal static readonly Op Repeat = new("aten::repeat");
    internal static readonly Op Tril = new("aten::tril");
    internal static readonly Op Triu = new("aten::triu");
    internal static readonly Op Clone = new("aten::clone");
    internal static readonly Op Flip = new("aten::flip");

    // indexing and masking
    internal static readonly Op Gather = new("aten::gather");
    internal static readonly Op IndexSelect = new("aten::index_select");
    internal static readonly Op IndexAdd = new("aten::index_add");
    internal static readonly Op Nonzero = new("aten::nonzero");
    internal static readonly Op Index = new("aten::index", "Tensor");
    internal static readonly Op MaskedFill = new("aten::masked_fill", "Scalar");
    internal static readonly Op MaskedSelect = new("aten::masked_select");
    internal static readonly Op Scatter = new("aten::scatter", "src");
    internal static readonly Op ScatterAdd = new("aten::scatter_add");
    internal static readonly Op OneHot = new("aten::one_hot");

    // factories and random
    internal static readonly Op Zeros = new("aten::zeros");
    internal static readonly Op Ones = new("aten::ones");
    internal static readonly Op Full = new("aten::full");
    internal static readonly Op ZerosLike = new("aten::zeros_like");
    internal static readonly Op OnesLike = new("aten::ones_like");
    internal static readonly Op Eye = new("aten::eye");
    internal static readonly Op TrilIndices = new("aten::tril_indices");
    internal static readonly Op Arange = new("aten::arange", "start_step");
    internal static readonly Op Linspace = new("aten::linspace");
    internal static readonly Op Randn = new("aten::randn");
    internal static readonly Op Rand = new("aten::rand");
    internal static readonly Op RandIntLow = new("aten::randint", "low");
    internal static readonly Op RandnLike = new("aten::randn_like");
    internal static readonly Op RandPerm = new("aten::randperm");
    internal static readonly Op Multinomial = new("aten::multinomial");

    // in place
    internal static readonly Op AddInPlace = new("aten::add_", "Tensor");
    internal static readonly Op AddScalarInPlace = new("aten::add_", "Scalar");
    internal static readonly Op SubInPlace = new("aten::sub_", "Tensor");
    internal static readonly Op MulInPlace = new("aten::mul_", "Tensor");
    internal static readonly Op MulScalarInPlace = new("aten::mul_", "Scalar");
    internal static readonly Op DivScalarInPlace = new("aten::div_", "Scalar");
    internal static readonly Op DivInPlace = new("aten::div_", "Tensor");
    internal static readonly Op AddcmulInPlace = new("aten::addcmul_");
    internal static readonly Op AddcdivInPlace = new("aten::addcdiv_");
    internal static readonly Op LerpInPlace = new("aten::lerp_", "Scalar");
    internal static readonly Op ClampInPlace = new("aten::clamp_");
    internal static readonly Op ZeroInPlace = new("aten::zero_");
    internal static readonly Op FillInPlace = new("aten::fill_", "Scalar");
    internal static readonly Op UniformInPlace = new("aten::uniform_");
    internal static readonly Op NormalInPlace = new("aten::normal_");
    internal static readonly Op MaskedFillInPlace = new("aten::masked_fill_", "Scalar");

    // neural network
    internal static readonly Op Embedding = new("aten::embedding");
    internal static readonly Op Softmax = new("aten::softmax", "int");
    internal static readonly Op LogSoftmax = new("aten::log_softmax", "int");
    internal static readonly Op CrossEntropy = new("aten::cross_entropy_loss");
    internal static readonly Op NllLoss = new("aten::nll_loss");
    internal static readonly Op MseLoss = new("aten::mse_loss");
    internal static readonly Op Dropout = new("aten::dropout");
    internal static readonly Op LayerNorm = new("aten::layer_norm");
    internal static readonly Op RmsNorm = new("aten::rms_norm");
    internal static readonly Op ScaledDotProductAttention = new("aten::scaled_dot_product_attention");
    internal static readonly Op Lstm = new("aten::lstm", "input");
    internal static readonly Op Gru = new("aten::gru", "input");
    internal static readonly Op LstmCell = new("aten::lstm_cell");
    internal static readonly Op GruCell = new("aten::gru_cell");
    // cuDNN's RNN weight buffer (RecurrentWeights.Flatten); the first has a kernel only in CUDA builds with cuDNN.
    internal static readonly Op CudnnRnnFlattenWeight = new("aten::_cudnn_rnn_flatten_weight");
    internal static readonly Op CudnnIsAcceptable = new("aten::cudnn_is_acceptable");
}
