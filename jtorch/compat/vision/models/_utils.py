"""torchvision's builder plumbing: the deprecated ``pretrained=`` interface and keyword overrides.

``handle_legacy_interface`` turns ``pretrained=True|False`` (and a positional ``weights`` argument) into
``weights=<default enum>|None`` with torchvision's deprecation warnings, so old tutorial code keeps working.
"""
from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable

from ._api import WeightsEnum, register_model

__all__ = ["handle_legacy_interface", "kwonly_to_pos_or_kw"]

# torchvision: len(weights.meta["categories"]); the class names are not bundled (see _presets._imagenet_weights)
_IMAGENET_NUM_CLASSES = 1000


def _sequence_to_str(seq: tuple[str, ...], separate_last: str = "") -> str:
    """``'a', 'b', and 'c'`` (torchvision's listing in messages)."""
    if len(seq) == 1:
        return f"'{seq[0]}'"
    head = "'" + "', '".join(seq[:-1]) + "'"
    return head + f"{'' if separate_last and len(seq) == 2 else ','} {separate_last}'{seq[-1]}'"


def kwonly_to_pos_or_kw(fn: Callable) -> Callable:
    """Accepts ``fn``'s keyword-only parameters positionally too, warning as torchvision 0.13+ does."""
    params = inspect.signature(fn).parameters
    try:
        first = next(i for i, p in enumerate(params.values()) if p.kind == p.KEYWORD_ONLY)
    except StopIteration:
        raise TypeError(f"Found no keyword-only parameter on function '{fn.__name__}'") from None
    keyword_only = tuple(params)[first:]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args, extra = args[:first], args[first:]
        if extra:
            names = keyword_only[:len(extra)]
            warnings.warn(
                f"Using {_sequence_to_str(names, separate_last='and ')} as positional parameter(s) is deprecated "
                "since 0.13 and may be removed in the future. Please use keyword parameter(s) instead.")
            kwargs.update(zip(names, extra))
        return fn(*args, **kwargs)

    return wrapper


def handle_legacy_interface(**weights: tuple[str, Any]) -> Callable:
    """``weights_param=(pretrained_param, default)``: maps the legacy boolean onto the weights enum.

    ``default`` is the enum member ``pretrained=True`` means (or a callable of the kwargs giving it).
    """

    def outer(builder: Callable) -> Callable:
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner(*args: Any, **kwargs: Any) -> Any:
            for weights_param, (pretrained_param, default) in weights.items():
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                if ((weights_param not in kwargs and pretrained_param not in kwargs)
                        or isinstance(weights_arg, WeightsEnum)
                        or (isinstance(weights_arg, str) and weights_arg != "legacy")
                        or weights_arg is None):
                    continue
                positional = weights_arg is not sentinel
                if positional:  # pop and re-add to keep the keyword order
                    kwargs[pretrained_param] = pretrained_arg = kwargs.pop(weights_param)
                else:
                    pretrained_arg = kwargs[pretrained_param]
                if pretrained_arg:
                    default_arg = default(kwargs) if callable(default) else default
                    if not isinstance(default_arg, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    default_arg = None
                if not positional:
                    warnings.warn(
                        f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed in the "
                        f"future, please use '{weights_param}' instead.")
                msg = (f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since "
                       f"0.13 and may be removed in the future. The current behavior is equivalent to passing "
                       f"`{weights_param}={default_arg}`.")
                if pretrained_arg:
                    msg += (f" You can also use `{weights_param}={type(default_arg).__name__}.DEFAULT` to get the "
                            "most up-to-date weights.")
                warnings.warn(msg)
                del kwargs[pretrained_param]
                kwargs[weights_param] = default_arg
            return builder(*args, **kwargs)

        return inner

    return outer


def _ovewrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    """Sets ``kwargs[param]``; a different value the user passed is an error (torchvision's spelling)."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Rounds a channel count to a multiple of ``divisor``, never more than 10% below ``v`` (MobileNet)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _build(make: Callable, weights: WeightsEnum | None, progress: bool, /,
           fix_state_dict: Callable[[dict], dict] | None = None, **kwargs: Any) -> Any:
    """torchvision's builder body: ``num_classes`` follows the weights, then their state dict is loaded.

    ``fix_state_dict`` renames keys of old checkpoints (DenseNet's ``norm.1`` -> ``norm1``).
    """
    if weights is not None:
        categories = weights.meta.get("categories", range(_IMAGENET_NUM_CLASSES))
        if categories is not None:  # None: a headless checkpoint (VGG16 features)
            _ovewrite_named_param(kwargs, "num_classes", len(categories))
    model = make(**kwargs)
    if weights is not None:
        state_dict = weights.get_state_dict(progress=progress, check_hash=True)
        model.load_state_dict(fix_state_dict(state_dict) if fix_state_dict else state_dict)
    return model


def _builder(module: str, name: str, weights_enum: type[WeightsEnum], build: Callable, doc: str,
             **fixed: Any) -> Callable:
    """The registered builder ``name(*, weights=None, progress=True, **kwargs)`` with the legacy interface.

    ``build(weights, progress, **kwargs)`` makes the model; ``fixed`` are kwargs the architecture pins
    (``groups=32`` for ResNeXt): passing another value is an error.
    """

    def builder(*, weights: WeightsEnum | None = None, progress: bool = True, **kwargs: Any) -> Any:
        for key, value in fixed.items():
            _ovewrite_named_param(kwargs, key, value)
        return build(weights_enum.verify(weights), progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__doc__ = doc
    builder.__module__ = module
    builder.__annotations__ = {**builder.__annotations__, "weights": weights_enum | None}
    legacy = handle_legacy_interface(weights=("pretrained", weights_enum.IMAGENET1K_V1))
    return register_model()(legacy(builder))
