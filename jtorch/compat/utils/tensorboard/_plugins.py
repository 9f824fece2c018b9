"""Raw-tensor, audio and custom-scalar-layout summaries, as ``torch.utils.tensorboard.summary`` writes them."""
from __future__ import annotations

import io
import json
import struct
import wave

import numpy as np
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.mesh import metadata as mesh_metadata
from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData

from ._summaries import make_np

__all__ = ["audio", "custom_scalars", "mesh", "tensor_proto"]


def _half_bits(values: np.ndarray) -> list[int]:
    # torch: each value packed as a float32 and read back as an int32 (not the half's own bits)
    return [struct.unpack("i", struct.pack("f", v))[0] for v in values.astype(np.float32).ravel().tolist()]


def _complex_parts(values: np.ndarray) -> list[float]:
    return np.stack([values.real, values.imag], -1).ravel().tolist()


def _flat(values: np.ndarray) -> list:
    return values.ravel().tolist()


# dtype name -> (TensorProto dtype, value field, conversion); uint8 uses uint32_val, as torch's map ends up doing
_TENSOR_TYPES = {
    "float16": ("DT_HALF", "half_val", _half_bits), "bfloat16": ("DT_BFLOAT16", "half_val", _half_bits),
    "float32": ("DT_FLOAT", "float_val", _flat), "float64": ("DT_DOUBLE", "double_val", _flat),
    "int8": ("DT_INT8", "int_val", _flat), "uint8": ("DT_UINT8", "uint32_val", _flat),
    "int16": ("DT_INT16", "int_val", _flat), "int32": ("DT_INT32", "int_val", _flat),
    "int64": ("DT_INT64", "int64_val", _flat), "bool": ("DT_BOOL", "bool_val", _flat),
    "complex32": ("DT_COMPLEX32", "scomplex_val", _complex_parts),
    "complex64": ("DT_COMPLEX64", "scomplex_val", _complex_parts),
    "complex128": ("DT_COMPLEX128", "dcomplex_val", _complex_parts),
}


def tensor_proto(tag: str, tensor) -> Summary:
    """A tensor's values and shape for the ``tensor`` plugin."""
    if tensor.numel() * tensor.element_size() >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    name = str(tensor.dtype).rpartition(".")[2]
    if name not in _TENSOR_TYPES:
        raise ValueError(f"{tag} has unsupported tensor dtype {tensor.dtype}")
    dtype, field, convert = _TENSOR_TYPES[name]
    proto = TensorProto(dtype=dtype, tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=d)
                                                                        for d in tensor.shape]),
                        **{field: convert(make_np(tensor))})
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd, tensor=proto)])


def audio(tag: str, tensor, sample_rate: int = 44100) -> Summary:
    """Mono audio in ``[-1, 1]`` (clipped, with torch's warning) as a 16-bit WAV."""
    array = make_np(tensor).squeeze()
    if abs(array).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        array = array.clip(-1, 1)
    if array.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    array = (array * np.iinfo(np.int16).max).astype("<i2")
    with io.BytesIO() as fio:
        with wave.open(fio, "wb") as wave_write:
            wave_write.setnchannels(1)
            wave_write.setsampwidth(2)
            wave_write.setframerate(sample_rate)
            wave_write.writeframes(array.data)
        encoded = fio.getvalue()
    proto = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=array.shape[-1],
                          encoded_audio_string=encoded, content_type="audio/wav")
    return Summary(value=[Summary.Value(tag=tag, audio=proto)])


def _chart(title: str, kind: str, tags) -> layout_pb2.Chart:
    if kind != "Margin":
        return layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=tags))
    if len(tags) != 3:
        raise AssertionError("len(tags) != 3")
    series = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
    return layout_pb2.Chart(title=title, margin=layout_pb2.MarginChartContent(series=[series]))


def custom_scalars(layout: dict) -> Summary:
    """The custom-scalars dashboard layout ``{category: {title: ['Multiline' | 'Margin', tags]}}``."""
    categories = [layout_pb2.Category(title=k, chart=[_chart(title, *meta[:2]) for title, meta in v.items()])
                  for k, v in layout.items()]
    proto = TensorProto(dtype="DT_STRING", string_val=[layout_pb2.Layout(category=categories).SerializeToString()],
                        tensor_shape=TensorShapeProto())
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="custom_scalars"))
    return Summary(value=[Summary.Value(tag="custom_scalars__config__", tensor=proto, metadata=smd)])


def mesh(tag: str, vertices, colors, faces, config_dict, display_name=None, description=None) -> Summary:
    """A 3D mesh or point cloud: one ``(B, N, 3)`` float tensor per present component, for the mesh plugin."""
    json_config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    parts = [(t, kind) for t, kind in ((vertices, MeshPluginData.VERTEX), (faces, MeshPluginData.FACE),
                                       (colors, MeshPluginData.COLOR)) if t is not None]
    components = mesh_metadata.get_components_bitmask([kind for _, kind in parts])
    values = []
    for t, kind in parts:
        array = np.asarray(t) if isinstance(t, (list, tuple)) else make_np(t)
        smd = mesh_metadata.create_summary_metadata(tag, display_name, kind, components, list(array.shape),
                                                    description, json_config=json_config)
        proto = TensorProto(dtype="DT_FLOAT", float_val=array.reshape(-1).tolist(),
                            tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in array.shape[:3]]))
        values.append(Summary.Value(tag=mesh_metadata.get_instance_name(tag, kind), tensor=proto, metadata=smd))
    return Summary(value=values)
