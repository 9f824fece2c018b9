"""``add_graph``: a TensorBoard ``GraphDef`` of a module's forward, read off jtorch's lazy graph.

PyTorch traces the model with ``torch.jit.trace``. jtorch needs no tracer: a forward builds engine nodes
without running them, so one forward on the example input, with hooks on every submodule that note the
span of node sequence numbers each call creates, gives the op graph and the module scope of every op.

The result has PyTorch's shape: ``IO Node`` nodes ``input/<arg name>`` and ``output/output.<k>``, one node
per op named ``<scope>/<op>`` (op type ``aten::<op>``) where the scope is the module path written as
PyTorch writes it (``Net/Sequential[features]/Conv2d[0]``), ``prim::GetAttr`` nodes for parameters and
buffers (``<scope>/weight/weight``), ``prim::Constant`` nodes for other captured values, each with its
``_output_shapes``. TensorBoard groups nodes by the ``/`` scopes, so the module hierarchy is what it
shows first. Op names are jtorch's (``conv2d``, ``linear``), not ATen's decomposition (``_convolution``).
"""
from __future__ import annotations

import contextlib
import inspect

from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef

from ... import engine
from ..._tensor import Tensor

__all__ = ["graph"]


def _next_seq() -> int:
    """A sequence number between the nodes made before and after this call."""
    return next(engine._SEQ)


def _node_def(name: str, op: str, inputs=(), shape=None, attr: str = "") -> NodeDef:
    attrs = {"attr": AttrValue(s=attr.encode("utf_8"))}
    if shape is not None:
        shapes = shape if shape and isinstance(shape[0], tuple) else (shape,)  # a multi-output op: one per output
        attrs["_output_shapes"] = AttrValue(list=AttrValue.ListValue(shape=[
            TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in s]) for s in shapes]))
    return NodeDef(name=name, op=op, input=list(inputs), attr=attrs)


def _tensors(obj) -> list[Tensor]:
    """The tensors in a (nested) output, in order."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _tensors(o)]
    return []


def _scopes(model) -> dict[int, str]:
    """``id(module)`` -> PyTorch's scope name, ``Net/Sequential[features]/Conv2d[0]``."""
    scopes = {}
    for path, module in model.named_modules():
        parent, _, attr = path.rpartition(".")
        scopes[id(module)] = (scopes[id(model.get_submodule(parent))] + f"/{type(module).__name__}[{attr}]"
                              if path else type(module).__name__)
    return scopes


@contextlib.contextmanager
def _record_calls(model, scopes: dict[int, str], calls: list):
    """Appends ``(start_seq, end_seq, scope)`` for every submodule call made inside the block."""
    starts, handles = [], []

    def pre(module, args):
        del module, args
        starts.append(_next_seq())

    def post(module, args, result):
        del args, result
        calls.append((starts.pop(), _next_seq(), scopes[id(module)]))

    for module in model.modules():
        handles += [module.register_forward_pre_hook(pre), module.register_forward_hook(post)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def _walk(roots, stop, first_seq: int) -> list:
    """Nodes reachable from ``roots`` made during the forward, stopping at ``stop`` ids and older nodes."""
    seen, stack = {}, list(roots)
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen[id(n)] = n
        if id(n) not in stop and n.seq > first_seq:
            stack.extend(n.inputs)
    return sorted(seen.values(), key=lambda n: n.seq)


def _leaves(model, scopes: dict[int, str], inputs: list[Tensor]) -> dict[int, tuple[str, str]]:
    """``id(node)`` -> ``(name, op type)`` for parameters, buffers and the input tensors."""
    leaves = {}
    for path, t in [*model.named_parameters(), *model.named_buffers()]:
        owner, _, attr = path.rpartition(".")
        leaves[id(t._node)] = (f"{scopes[id(model.get_submodule(owner))]}/{attr}/{attr}", "prim::GetAttr")
    arg_names = [p.name for p in inspect.signature(model.forward).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for k, t in enumerate(inputs):
        leaves[id(t._node)] = ("input/" + (arg_names[k] if k < len(arg_names) else f"input.{k}"), "IO Node")
    return leaves


def _attr(static: tuple) -> str:
    """The op's plain static arguments (dims, sizes, flags) in PyTorch's ``{ name : value }`` style."""
    scalar = (bool, int, float, str, type(None))
    plain = [(k, v) for k, v in static
             if isinstance(v, scalar) or isinstance(v, tuple) and all(isinstance(e, scalar) for e in v)]
    return "{" + ",".join(f" {k} : {v}" for k, v in plain) + "}"


def _node_defs(nodes: list, leaves: dict, calls: list, root: str, first_seq: int) -> tuple[list[NodeDef], dict]:
    """One NodeDef per node; an op takes the scope of the innermost module call that made it."""
    names = {k: name for k, (name, _) in leaves.items()}
    used: dict[str, int] = {}
    defs = []
    for n in nodes:
        constant = n.op is None or n.seq < first_seq
        if id(n) in leaves:
            name, kind = leaves[id(n)]
            attr = "" if kind == "IO Node" else f"{{ name :  {name.rpartition('/')[2]} }}"
            defs.append(_node_def(name, kind, (), n.shape, attr))
            continue
        if n.op is engine.SELECT and not constant:  # output k of a multi-output op is "<op>:k", as in TF graphs
            index = dict(n.static)["index"]
            names[id(n)] = names[id(n.inputs[0])] + (f":{index}" if index else "")
            continue
        scope = next((s for start, end, s in reversed(calls) if start < n.seq < end), root)
        base = f"{scope}/{'constant' if constant else n.op.name}"
        used[base] = used.get(base, 0) + 1
        names[id(n)] = base if used[base] == 1 else f"{base}.{used[base] - 1}"
        if constant:
            defs.append(_node_def(names[id(n)], "prim::Constant", (), n.shape, "{}"))
        else:
            defs.append(_node_def(names[id(n)], n.op.name, [names[id(i)] for i in n.inputs], n.shape,
                                  _attr(n.static)))
    return defs, names


def graph(model, args, verbose: bool = False, use_strict_trace: bool = True) -> tuple[GraphDef, RunMetadata]:
    """The ``GraphDef`` of ``model(*args)`` (run in eval mode) and PyTorch's placeholder ``RunMetadata``."""
    del use_strict_trace  # no tracer, nothing to be strict about
    args = () if args is None else (args,) if isinstance(args, Tensor) else tuple(args)
    scopes = _scopes(model)
    leaves = _leaves(model, scopes, [t for t in args if isinstance(t, Tensor)])
    calls, training = [], model.training
    first_seq = _next_seq()
    model.train(False)
    try:
        with _record_calls(model, scopes, calls):
            outputs = _tensors(model(*args))
    except RuntimeError as e:
        print(e)
        print("Error occurs, No graph saved")
        raise
    finally:
        model.train(training)
    nodes = _walk([t._node for t in outputs], set(leaves), first_seq)
    defs, names = _node_defs(nodes, leaves, sorted(calls), scopes[id(model)], first_seq)
    defs += [_node_def(f"output/output.{k + 1}", "IO Node", [names[id(t._node)]], t._node.shape)
             for k, t in enumerate(outputs)]
    graph_def = GraphDef(node=defs, versions=VersionDef(producer=22))
    if verbose:
        print(graph_def)
    # torch: the device is always reported as CPU; the step stats are a placeholder the graph plugin expects
    return graph_def, RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device="/device:CPU:0")]))
