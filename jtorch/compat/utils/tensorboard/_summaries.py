"""Summary protos for scalars, histograms, text, hyper-parameters and PR curves.

Each function turns user data (facade tensors, NumPy arrays, Python numbers) into a TensorBoard
``Summary`` proto exactly as ``torch.utils.tensorboard.summary`` does, so event files written by
jtorch and by PyTorch hold the same records for the same data.
"""
from __future__ import annotations

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.hparams import api_pb2, metadata as hp_metadata, plugin_data_pb2 as hp_data
from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from ..._dtype import bfloat16, float16
from ..._tensor import Tensor

__all__ = ["DEFAULT_BINS", "histogram", "histogram_raw", "hparams", "make_np", "pr_curve", "pr_curve_raw",
           "scalar", "text"]


def _default_bins() -> list[float]:
    # torch: buckets growing by 10% from 1e-12 to 1e20, mirrored for negatives (TensorFlow's layout)
    v, buckets = 1e-12, []
    while v < 1e20:
        buckets.append(v)
        v *= 1.1
    return [-b for b in reversed(buckets)] + [0] + buckets


#: The bucket edges of ``bins='tensorflow'``.
DEFAULT_BINS = _default_bins()


def make_np(x) -> np.ndarray:
    """A NumPy array from a facade tensor, an array or a scalar (a scalar becomes shape ``(1,)``, as in torch)."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        if x.dtype == bfloat16:
            x = x.to(float16)
        return x.detach().cpu().numpy()
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


def _plugin_metadata(name: str, content: bytes = b"") -> SummaryMetadata:
    return SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=name, content=content))


def scalar(name: str, value, new_style: bool = False, double_precision: bool = False) -> Summary:
    """A scalar: ``simple_value`` (old style) or a 0-d tensor for the ``scalars`` plugin (new style)."""
    array = make_np(value).squeeze()
    if array.ndim != 0:
        # PyTorch's text, including the spaces its line continuation leaves
        raise AssertionError(f"Tensor should contain one element (0 dimensions).             Was given size: "
                             f"{array.size} and {array.ndim} dimensions.")
    number = float(array)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=number)])
    proto = (TensorProto(double_val=[number], dtype="DT_DOUBLE") if double_precision
             else TensorProto(float_val=[number], dtype="DT_FLOAT"))
    return Summary(value=[Summary.Value(tag=name, tensor=proto, metadata=_plugin_metadata("scalars"))])


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts) -> Summary:  # noqa: A002
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def histogram(name: str, values, bins, max_bins: int | None = None) -> Summary:
    """A histogram of ``values`` over ``bins`` (any ``numpy.histogram`` bins), trimmed to its non-empty span."""
    values = make_np(values).astype(float)
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        step = len(counts) // max_bins
        if len(counts) % step:
            counts = np.pad(counts, [[0, step - len(counts) % step]])
        counts = counts.reshape(-1, step).sum(axis=-1)
        limits = np.concatenate([limits[:-1:step], limits[-1:]])
    # torch: keep the buckets from one before the first non-empty one to the last non-empty one
    cum = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return histogram_raw(name, values.min(), values.max(), len(values), values.sum(), values.dot(values),
                         limits.tolist(), counts.tolist())


def text(tag: str, text_string: str) -> Summary:
    """Markdown text for the ``text`` plugin, under ``<tag>/text_summary``."""
    proto = TensorProto(dtype="DT_STRING", string_val=[text_string.encode(encoding="utf_8")],
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    smd = _plugin_metadata("text", TextPluginData(version=0).SerializeToString())
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=smd, tensor=proto)])


def compute_curve(labels, predictions, num_thresholds: int, weights=None) -> np.ndarray:
    """``(tp, fp, tn, fn, precision, recall)`` at ``num_thresholds`` equally spaced thresholds."""
    weights = 1.0 if weights is None else weights
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    labels = labels.astype(np.float64)
    tp_buckets, fp_buckets = (np.histogram(buckets, bins=num_thresholds, range=(0, num_thresholds - 1),
                                           weights=w * weights)[0] for w in (labels, 1.0 - labels))
    tp, fp = np.cumsum(tp_buckets[::-1])[::-1], np.cumsum(fp_buckets[::-1])[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def pr_curve(tag: str, labels, predictions, num_thresholds: int = 127, weights=None) -> Summary:
    """A precision-recall curve for the ``pr_curves`` plugin (at most 127 thresholds, as in torch)."""
    num_thresholds = min(num_thresholds, 127)
    return _pr_curve_summary(tag, compute_curve(labels, predictions, num_thresholds, weights), num_thresholds)


def pr_curve_raw(tag: str, tp, fp, tn, fn, precision, recall, num_thresholds: int = 127) -> Summary:
    """A precision-recall curve from precomputed counts (torch ignores ``weights`` here too)."""
    return _pr_curve_summary(tag, np.stack((tp, fp, tn, fn, precision, recall)), min(num_thresholds, 127))


def _pr_curve_summary(tag: str, data: np.ndarray, num_thresholds: int) -> Summary:
    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    proto = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(),
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in data.shape]))
    return Summary(value=[Summary.Value(tag=tag, metadata=_plugin_metadata("pr_curves", content), tensor=proto)])


# hparams: Python type -> (Value field, HParamInfo type). A bool is an int, so torch logs it as a number.
_HPARAM_KINDS = (((int, float), "number_value", "DATA_TYPE_FLOAT64"), (str, "string_value", "DATA_TYPE_STRING"))


def _hparam_summary(tag: str, **content) -> Summary:
    data = hp_data.HParamsPluginData(version=hp_metadata.PLUGIN_DATA_VERSION, **content)
    smd = _plugin_metadata(hp_metadata.PLUGIN_NAME, data.SerializeToString())
    return Summary(value=[Summary.Value(tag=tag, metadata=smd)])


def hparams(hparam_dict, metric_dict, hparam_domain_discrete=None) -> tuple[Summary, Summary, Summary]:
    """The experiment, session-start and session-end summaries of the ``hparams`` plugin."""
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    infos, start = [], hp_data.SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, Tensor):  # torch: a tensor is logged as its first element, without a domain
            start.hparams[k].number_value = make_np(v)[0]
            infos.append(api_pb2.HParamInfo(name=k, type=api_pb2.DataType.Value("DATA_TYPE_FLOAT64")))
            continue
        kind = next((kind for kind in _HPARAM_KINDS if isinstance(v, kind[0])), None)
        if kind is None:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        _, field, data_type = kind
        setattr(start.hparams[k], field, v)
        domain = None
        if k in hparam_domain_discrete:
            domain = struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d}) for d in hparam_domain_discrete[k]])
        infos.append(api_pb2.HParamInfo(name=k, type=api_pb2.DataType.Value(data_type), domain_discrete=domain))
    metrics = [api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict]
    return (_hparam_summary(hp_metadata.EXPERIMENT_TAG,
                            experiment=api_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)),
            _hparam_summary(hp_metadata.SESSION_START_INFO_TAG, session_start_info=start),
            _hparam_summary(hp_metadata.SESSION_END_INFO_TAG,
                            session_end_info=hp_data.SessionEndInfo(status=api_pb2.Status.Value("STATUS_SUCCESS"))))
