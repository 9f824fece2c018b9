"""torch.compile: returns its argument (the engine compiles whole steps), validates as PyTorch does."""
from __future__ import annotations

import pytest
import torch as real

import jtorch.compat as torch


def test_compile_returns_module_and_function_that_still_compute():
    model = torch.nn.Linear(3, 2)
    assert torch.compile(model) is model
    assert torch.compile(model, fullgraph=True, dynamic=False, backend="inductor", mode="reduce-overhead") is model

    def f(x):
        return x * 2

    assert torch.compile(f, disable=True) is f
    assert torch.compile(f)(torch.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]


def test_compile_as_decorator_with_and_without_arguments():
    @torch.compile
    def f(x):
        return x + 1

    @torch.compile(mode="max-autotune")
    def g(x):
        return x - 1

    assert f.__name__ == "f" and g.__name__ == "g"
    x = torch.tensor([1.0])
    assert f(x).item() == 2.0 and g(x).item() == 0.0


@pytest.mark.parametrize("call", [
    lambda lib: lib.compile(lambda x: x, mode="nope"),
    lambda lib: lib.compile(lambda x: x, mode="max-autotune", options={"triton.cudagraphs": False}),
    lambda lib: lib.compile(3),
    lambda lib: lib.compile(3, mode="nope"),
    lambda lib: lib.compile(mode="default")(None),
], ids=["bad-mode", "mode-and-options", "not-callable", "mode-checked-first", "decorating-none"])
def test_compile_errors_as_torch(call):
    with pytest.raises(Exception) as want:
        call(real)
    with pytest.raises(want.type) as got:
        call(torch)
    assert str(got.value) == str(want.value)
