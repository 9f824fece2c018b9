"""``torch.nn.functional``: the core's functional ops (``jtorch.nn.functional``) lifted onto Tensors.

Every public core op is lifted as it is (same signature, same math); only the deliberate differences of the
pure core are adapted here: ``batch_norm``/``instance_norm`` write their running statistics back into the
given buffers, and random ops draw their key from the global generator.
"""
from __future__ import annotations

import functools
import inspect

import jtorch.nn.functional as _core

from .. import _dtype, _grad_mode
from .._index_check import check_bags, check_index_range, check_targets, first_out_of_range
from .._ops._pointwise import _broadcast_shape
from .._tensor import Tensor
from ._lift import bind, binder, lift

# PyTorch's grad_fn names where they differ from the op name (tutorials print them).
_GRAD_NAMES = {
    "relu": "ReluBackward0", "conv1d": "ConvolutionBackward0",
    "conv2d": "ConvolutionBackward0", "conv3d": "ConvolutionBackward0",
    "conv_transpose1d": "ConvolutionBackward0", "conv_transpose2d": "ConvolutionBackward0",
    "conv_transpose3d": "ConvolutionBackward0",
    "nll_loss": "NllLossBackward0", "mse_loss": "MseLossBackward0",
    "dropout": "MulBackward0", "max_pool2d": "MaxPool2DWithIndicesBackward0",
    "max_pool1d": "SqueezeBackward1", "avg_pool2d": "AvgPool2DBackward0", "log_softmax": "LogSoftmaxBackward0",
    "softmax": "SoftmaxBackward0", "sigmoid": "SigmoidBackward0", "tanh": "TanhBackward0",
    "binary_cross_entropy": "BinaryCrossEntropyBackward0", "leaky_relu": "LeakyReluBackward0",
    "embedding": "EmbeddingBackward0", "layer_norm": "NativeLayerNormBackward0",
    "batch_norm": "NativeBatchNormBackward0", "gelu": "GeluBackward0", "elu": "EluBackward0",
    "hardtanh": "HardtanhBackward0", "softplus": "SoftplusBackward0", "silu": "SiluBackward0",
    "relu6": "HardtanhBackward0", "selu": "EluBackward0", "logsigmoid": "LogSigmoidBackward0",
    "softsign": "DivBackward0", "tanhshrink": "SubBackward0", "normalize": "DivBackward0",
    "cosine_similarity": "SumBackward1", "pairwise_distance": "NormBackward1", "group_norm": "NativeGroupNormBackward0",
    "adaptive_max_pool1d": "SqueezeBackward1", "adaptive_max_pool2d": "AdaptiveMaxPool2DBackward0",
    "adaptive_max_pool3d": "AdaptiveMaxPool3DBackward0", "avg_pool1d": "SqueezeBackward1",
    "avg_pool3d": "AvgPool3DBackward0", "max_pool3d": "MaxPool3DWithIndicesBackward0", "lp_pool1d": "PowBackward0",
    "lp_pool2d": "PowBackward0", "lp_pool3d": "PowBackward0", "local_response_norm": "DivBackward0",
    "unfold": "Im2ColBackward0", "fold": "Col2ImBackward0", "dropout1d": "MulBackward0", "dropout2d": "MulBackward0",
    "dropout3d": "MulBackward0", "alpha_dropout": "AddBackward0", "feature_alpha_dropout": "AddBackward0",
    "celu": "CeluBackward0", "max_unpool1d": "SqueezeBackward1", "max_unpool2d": "MaxUnpool2DBackward0",
    "max_unpool3d": "MaxUnpool3DBackward0",
    "smooth_l1_loss": "SmoothL1LossBackward0", "binary_cross_entropy_with_logits":
        "BinaryCrossEntropyWithLogitsBackward0", "kl_div": "KlDivBackward0", "softmin": "SoftmaxBackward0",
}
# PyTorch's composite losses end in their reduction (MeanBackward0, SumBackward0); unreduced, in their last op:
# op -> (that op's grad_fn name, {flag: name when the flag is set}).
_COMPOSITE_LOSSES = {
    "l1_loss": ("AbsBackward0", {}), "kl_div": ("SubBackward0", {"log_target": "MulBackward0"}),
    "hinge_embedding_loss": ("AddBackward0", {}), "cosine_embedding_loss": ("AddBackward0", {}),
    "margin_ranking_loss": ("ClampMinBackward0", {}), "multilabel_soft_margin_loss": ("DivBackward0", {}),
    "poisson_nll_loss": ("SubBackward0", {"full": "AddBackward0"}),
    "gaussian_nll_loss": ("MulBackward0", {"full": "AddBackward0"}), "triplet_margin_loss": ("ClampMinBackward0", {}),
    "triplet_margin_with_distance_loss": ("ClampMinBackward0", {}),
}
_REDUCED_NAMES = {"sum": "SumBackward0", "batchmean": "DivBackward0"}


def _composite_grad_name(unreduced: str, flags: dict):
    def grad_name(arguments: dict) -> str:
        size_average, reduce = arguments.get("size_average"), arguments.get("reduce")
        reduction = arguments.get("reduction", "mean")
        if size_average is not None or reduce is not None:  # PyTorch's legacy flags override ``reduction``
            reduction = ("sum" if size_average is False else "mean") if reduce is not False else "none"
        if reduction == "none":
            return next((n for flag, n in flags.items() if arguments.get(flag)), unreduced)
        return _REDUCED_NAMES.get(reduction, "MeanBackward0")

    return grad_name


def _cross_entropy_grad_name(arguments: dict) -> str:
    target = arguments.get("target")
    if isinstance(target, Tensor) and target.is_floating_point():  # probabilities: a composite
        return "DivBackward1" if arguments.get("reduction", "mean") == "mean" else "NegBackward0"
    return "AddBackward0" if arguments.get("label_smoothing") else "NllLossBackward0"


def _spatial_rank(arguments: dict) -> int:
    """The spatial rank of the call's ``input`` (2 when not a Tensor)."""
    input = arguments.get("input")
    return input.dim() - 2 if isinstance(input, Tensor) else 2


_RESAMPLE_KINDS = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear", "bilinear": "Bilinear",
                   "bicubic": "Bicubic", "trilinear": "Trilinear"}


def resample_name(mode: str, n: int) -> str:
    """interpolate / upsample: PyTorch's kernel per mode and spatial rank (``area`` is an adaptive average pool)."""
    if mode == "area":
        return adaptive_avg_name(2, n)
    return f"Upsample{_RESAMPLE_KINDS.get(mode, 'Nearest')}{n}DBackward0"


def _resample_grad_name(mode: str):
    return lambda arguments: resample_name(arguments.get("mode", mode), _spatial_rank(arguments))


def adaptive_avg_name(output_size, n: int) -> str:
    """Adaptive average pooling over ``n`` dims: an output of all ones is a mean; 1-D runs as 2-D, then squeezes."""
    if n > 1 and all(s == 1 for s in (output_size if isinstance(output_size, (tuple, list)) else (output_size,))):
        return "MeanBackward1"
    return "SqueezeBackward1" if n == 1 else f"AdaptiveAvgPool{n}DBackward0"


def _pad_grad_name(arguments: dict) -> str:
    mode = arguments.get("mode", "constant")
    if mode in ("reflect", "replicate"):
        return f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{len(arguments['pad']) // 2}DBackward0"
    return "torch::autograd::CopySlices" if mode == "circular" else "ConstantPadNdBackward0"


def _linear_grad_name(rank: int, bias: bool) -> str:
    """PyTorch's ``linear`` grad_fn: addmm/mm on a matrix input; other ranks end in a view of the 2-D product."""
    if rank == 2:
        return "AddmmBackward0" if bias else "MmBackward0"
    return "ViewBackward0" if bias else "SqueezeBackward4" if rank == 1 else "UnsafeViewBackward0"


def _bilinear_grad_name(bias: bool) -> str:
    """PyTorch's bilinear ends in the bias add, or without a bias in a view of its product."""
    return "AddBackward0" if bias else "ViewBackward0"


def _linear_call_grad_name(arguments: dict) -> str:
    input = arguments.get("input")
    return _linear_grad_name(input.dim() if isinstance(input, Tensor) else 2, arguments.get("bias") is not None)


_GRAD_NAMES.update({k: _composite_grad_name(*v) for k, v in _COMPOSITE_LOSSES.items()},
                   **{f"adaptive_avg_pool{n}d": functools.partial(
                       lambda arguments, n: adaptive_avg_name(arguments.get("output_size"), n), n=n) for n in (1, 2, 3)},
                   cross_entropy=_cross_entropy_grad_name, linear=_linear_call_grad_name, pad=_pad_grad_name,
                   bilinear=lambda arguments: _bilinear_grad_name(arguments.get("bias") is not None),
                   interpolate=_resample_grad_name("nearest"), upsample=_resample_grad_name("nearest"),
                   upsample_nearest=_resample_grad_name("nearest"), upsample_bilinear=_resample_grad_name("bilinear"))
_RANDOM = {"dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"}
_NOT_DIFFERENTIABLE = {"one_hot"}
_ADAPTED = {"batch_norm", "instance_norm"}

for _name in getattr(_core, "__all__", None) or [n for n in dir(_core) if not n.startswith("_")]:
    _fn = getattr(_core, _name)
    if callable(_fn) and _name not in _ADAPTED:
        globals()[_name] = lift(_fn, _GRAD_NAMES.get(_name), random=_name in _RANDOM,
                                differentiable=_name not in _NOT_DIFFERENTIABLE)

# Arguments PyTorch's kernels refuse to differentiate: a Tensor requiring grad there raises at the call (in grad
# mode). op -> (PyTorch's kernel name, arguments); cross_entropy's weight only with class-index targets.
_NO_GRAD_ARGS = {
    "nll_loss": ("nll_loss_forward", ("weight",)), "cross_entropy": ("nll_loss_forward", ("weight",)),
    "binary_cross_entropy": ("binary_cross_entropy", ("weight",)),
    "binary_cross_entropy_with_logits": ("binary_cross_entropy_with_logits", ("weight", "pos_weight")),
    "soft_margin_loss": ("soft_margin_loss", ("target",)), "multi_margin_loss": ("multi_margin_loss", ("weight",)),
}


def _refusing_grad(fn, kernel: str, names: tuple[str, ...]):
    arguments_of = binder(inspect.signature(fn), fn.__name__)

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        bound = arguments_of(args, kwargs) if _grad_mode._State.enabled else {}
        target = bound.get("target")
        if kernel == "nll_loss_forward" and isinstance(target, Tensor) and target.is_floating_point():
            bound = {}  # cross_entropy with probability targets: a composite that differentiates weight
        for name in names:
            value = bound.get(name)
            if isinstance(value, Tensor) and value.requires_grad:
                raise RuntimeError(f"The function '{kernel}' is not differentiable with respect to argument "
                                   f"'{name}'. This input cannot have requires_grad True.")
        return fn(*args, **kwargs)

    return checked


for _name, (_kernel, _args) in _NO_GRAD_ARGS.items():
    globals()[_name] = _refusing_grad(globals()[_name], _kernel, _args)

# Arguments PyTorch's composites use only in comparisons (``where(target != 1, ...)``): no gradient flows to them,
# so a Tensor requiring grad there keeps ``.grad`` None (the pure core would hand it a zero gradient).
_COMPARED_ONLY = {"hinge_embedding_loss": "target", "cosine_embedding_loss": "target"}


def _comparing_only(fn, arg: str):
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def detached(*args, **kwargs):
        bound = bind(sig, fn.__name__, args, kwargs)
        value = bound.arguments.get(arg)
        if isinstance(value, Tensor):
            bound.arguments[arg] = value.detach()
        return fn(*bound.args, **bound.kwargs)

    return detached


for _name, _arg in _COMPARED_ONLY.items():
    globals()[_name] = _comparing_only(globals()[_name], _arg)

# Dropouts return their input itself in eval mode or with p == 0 (PyTorch); the channel-wise ones only for a
# batched input (an unbatched one goes through an unsqueeze there): name -> that rank.
_DROPOUT_RANKS = {"dropout": None, "alpha_dropout": None, "feature_alpha_dropout": None, "dropout1d": 3,
                  "dropout2d": 4, "dropout3d": 5}


def _dropout_is_identity(input, p, training: bool, rank: int | None) -> bool:
    """Whether a dropout call returns ``input`` itself, as PyTorch's does (``p`` already checked)."""
    return (not training or (type(p) in (int, float) and p == 0)) and isinstance(input, Tensor) and \
        rank in (None, input.dim())


def _idle_identity(fn, rank: int | None):
    sig = inspect.signature(fn)
    arguments_of = binder(sig, fn.__name__)
    p_default, training_default = sig.parameters["p"].default, sig.parameters["training"].default

    @functools.wraps(fn)
    def dropout(*args, **kwargs):
        bound = arguments_of(args, kwargs)
        input, p = bound.get("input"), bound.get("p", p_default)
        if _dropout_is_identity(input, p, bound.get("training", training_default), rank):
            _core._dropout._check_p(p)
            return input
        return fn(*args, **kwargs)

    return dropout


for _name, _rank in _DROPOUT_RANKS.items():
    globals()[_name] = _idle_identity(globals()[_name], _rank)

def _c10(t: Tensor) -> str:
    return _dtype.from_any(t._node.dtype)._c10


def _class_target_dtypes(input, target, log_softmax_first: bool) -> None:
    """PyTorch's errors for an integer input (its kernel has no integer version) and for class targets that are
    not Long or Byte (a floating target of the input's shape is class probabilities, for cross_entropy), after
    its batch-size check (left to the core)."""
    int_input = isinstance(input, Tensor) and not input.is_floating_point()
    if int_input and log_softmax_first:
        raise NotImplementedError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{_c10(input)}'")
    if not isinstance(target, Tensor) or input.ndim > 1 and (target.ndim == 0 or target.shape[0] != input.shape[0]):
        return
    if target._node.dtype.name not in ("int64", "uint8") and not (
            log_softmax_first and target.is_floating_point() and target.shape == input.shape):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_c10(target)}")
    if int_input:
        raise NotImplementedError(f"\"nll_loss_out_frame\" not implemented for '{_c10(input)}'")


def _checking_targets(fn, log_softmax_first: bool):
    @functools.wraps(fn)
    def checked(*args, **kwargs):
        # (input, target, weight, size_average, ignore_index, ...) in both; no signature binding: it is per step
        input = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        ignore_index = args[4] if len(args) > 4 else kwargs.get("ignore_index", -100)
        if isinstance(input, Tensor) and input.ndim >= 1:
            _class_target_dtypes(input, target, log_softmax_first)
            check_targets(target, input.shape[1 if input.ndim > 1 else 0], ignore_index)
        return fn(*args, **kwargs)

    return checked


nll_loss, cross_entropy = _checking_targets(nll_loss, False), _checking_targets(cross_entropy, True)


def linear_dtypes(input, weight, bias) -> None:
    """PyTorch's errors for operands of ``linear`` of different dtypes (it promotes nothing): addmm's with a
    bias, mm's without."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)):
        return
    if bias is None:
        if input._node.dtype != weight._node.dtype:
            from .._ops._linalg import _same_dtype
            _same_dtype("mm", input, weight)
        return
    if input._node.dtype != weight._node.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_c10(input)} and {_c10(weight)}")
    if isinstance(bias, Tensor) and bias._node.dtype != weight._node.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_c10(bias)} and {_c10(weight)}")


def _checking_linear(fn):
    @functools.wraps(fn)
    def checked(input, weight, bias=None):
        linear_dtypes(input, weight, bias)
        return fn(input, weight, bias)

    return checked


linear = _checking_linear(linear)


def conv_bias_dtype(input, bias) -> None:
    """A convolution checks its input against its bias first (PyTorch's CPU kernel)."""
    if isinstance(input, Tensor) and isinstance(bias, Tensor) and input._node.dtype != bias._node.dtype:
        from .._ops._linalg import cpp_name
        raise RuntimeError(f"Input type ({cpp_name(input)}) and bias type ({cpp_name(bias)}) should be the same")


def _checking_conv(fn):
    @functools.wraps(fn)
    def checked(input, weight, bias=None, *args, **kwargs):
        conv_bias_dtype(input, bias)
        return fn(input, weight, bias, *args, **kwargs)

    return checked


conv1d, conv2d, conv3d = (_checking_conv(f) for f in (conv1d, conv2d, conv3d))


def _checking_pair(fn, check):
    """``fn(input, target, ...)`` after ``check(input, target)`` raised PyTorch's error for a bad pair."""
    @functools.wraps(fn)
    def checked(*args, **kwargs):
        input = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        if isinstance(input, Tensor) and isinstance(target, Tensor):
            check(input, target)
        return fn(*args, **kwargs)

    return checked


def _broadcastable(input, target) -> None:
    """Pointwise losses broadcast (PyTorch warns) and raise PyTorch's broadcast error."""
    if input._node.shape != target._node.shape:
        _broadcast_shape(input._node.shape, target._node.shape)


def _mse_pair(input, target) -> None:
    _broadcastable(input, target)
    if not (input.is_floating_point() or target.is_floating_point()):
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{_c10(input)}'")


def _bce_pair(input, target) -> None:
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         f"is deprecated. Please ensure they have the same size.")
    if target._node.dtype != input._node.dtype:
        raise RuntimeError(f"Found dtype {_c10(target)} but expected {_c10(input)}")


def _bce_logits_pair(input, target) -> None:
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")


mse_loss = _checking_pair(mse_loss, _mse_pair)
l1_loss, smooth_l1_loss, huber_loss = (_checking_pair(f, _broadcastable) for f in (l1_loss, smooth_l1_loss, huber_loss))
binary_cross_entropy = _checking_pair(binary_cross_entropy, _bce_pair)
binary_cross_entropy_with_logits = _checking_pair(binary_cross_entropy_with_logits, _bce_logits_pair)
_one_hot = one_hot


def one_hot(tensor, num_classes=-1) -> Tensor:
    """PyTorch's ``F.one_hot``. ``num_classes=-1`` reads the values (a sync, as in PyTorch: the output shape
    depends on them); materialised values are range-checked with PyTorch's errors."""
    if num_classes == -1 and isinstance(tensor, Tensor) and tensor.dtype == _dtype.int64:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max()) + 1
    bad = first_out_of_range(tensor, 0, num_classes) if num_classes >= 0 else None
    if bad is not None:
        raise RuntimeError("Class values must be non-negative." if bad < 0
                           else "Class values must be smaller than num_classes.")
    return _one_hot(tensor, num_classes)


_embedding = embedding


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False) -> Tensor:
    """PyTorch's ``F.embedding``; materialised indices outside ``[0, num_embeddings)`` raise (see
    ``check_index_range``)."""
    embedding_indices(input)
    if isinstance(weight, Tensor) and weight.dim() == 2:
        check_index_range(input, weight.shape[0])
    return _embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)


def embedding_indices(input) -> None:
    """PyTorch's error for embedding indices that are not Long or Int, naming their legacy tensor type."""
    if isinstance(input, Tensor) and input._node.dtype.name not in ("int64", "int32"):
        kind = "CPUBoolType" if input.dtype == _dtype.bool else _dtype.type_name(input.dtype)
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, "
                           f"Int; but got {kind} instead (while checking arguments for embedding)")


_embedding_bag = embedding_bag


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None) -> Tensor:
    """PyTorch's ``F.embedding_bag``; materialised indices and offsets are checked with PyTorch's errors."""
    if isinstance(input, Tensor):  # the core's messages would show jax shapes and types
        if isinstance(per_sample_weights, Tensor) and input.shape != per_sample_weights.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then "
                             f"it must have the same shape as the input ({input.shape})")
        if input.ndim == 2 and offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
    if isinstance(weight, Tensor) and weight.dim() == 2:
        check_bags(input, weight.shape[0], offsets)
    return _embedding_bag(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                          per_sample_weights, include_last_offset, padding_idx)


_batch_norm = lift(_core.batch_norm, "NativeBatchNormBackward0") if hasattr(_core, "batch_norm") else None
_instance_norm = lift(_core.instance_norm, "ViewBackward0") if hasattr(_core, "instance_norm") else None


def _write_stats(buffers, new) -> None:
    with _grad_mode.no_grad():
        for buf, value in zip(buffers, new):
            if isinstance(buf, Tensor) and value is not None:
                buf._write(value.detach()._node)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5) -> Tensor:
    """PyTorch's ``F.batch_norm``: in training mode the running statistics are updated in place."""
    out, mean, var = _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if training:
        _write_stats((running_mean, running_var), (mean, var))
    return out


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5) -> Tensor:
    """PyTorch's ``F.instance_norm``: running statistics, when given, are updated in place."""
    out, mean, var = _instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)
    if use_input_stats:
        _write_stats((running_mean, running_var), (mean, var))
    return out


_normalize = normalize


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None) -> Tensor:
    """PyTorch's ``F.normalize``; ``out``, when given, receives the result."""
    result = _normalize(input, p, dim, eps)
    return result if out is None else out.copy_(result)


_triplet_margin_with_distance_loss = triplet_margin_with_distance_loss


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean") -> Tensor:
    """PyTorch's ``F.triplet_margin_with_distance_loss``. A given ``distance_function`` is Tensor code (often an
    ``nn.Module``), so the loss is composed here on Tensors, as PyTorch's Python implementation does; without
    one it is the lifted core op."""
    if distance_function is None:
        return _triplet_margin_with_distance_loss(anchor, positive, negative, margin=margin, swap=swap,
                                                  reduction=reduction)
    _core._loss_margin._check_triplet(anchor, positive, negative, margin)
    reduction = _core._loss._reduction(reduction, invalid=_core._loss._INVALID)
    d_pos, d_neg = distance_function(anchor, positive), distance_function(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance_function(positive, negative))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _with_indices(fn):
    @functools.wraps(fn)
    def with_indices(*args, return_indices=True, **kwargs):
        del return_indices  # PyTorch's *_with_indices spellings return the indices whatever the flag says
        return fn(*args, return_indices=True, **kwargs)

    with_indices.__name__ = fn.__name__ + "_with_indices"
    return with_indices


for _name in ("max_pool1d", "max_pool2d", "max_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
              "adaptive_max_pool3d"):
    if _name in globals():
        globals()[_name + "_with_indices"] = _with_indices(globals()[_name])
