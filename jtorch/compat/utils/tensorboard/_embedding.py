"""``add_embedding``: the projector plugin's files (``tensors.tsv``, ``metadata.tsv``, ``sprite.png``) and
its ``projector_config.pbtxt`` entry, laid out as ``torch.utils.tensorboard`` writes them."""
from __future__ import annotations

import io
import math
import os

import numpy as np
from tensorboard.compat import tf
from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo

from ._images import make_grid
from ._summaries import make_np

__all__ = ["embedding_info", "write_mat", "write_pbtxt", "write_sprite", "write_tsv"]


def _write(path: str, data: bytes) -> None:
    # tf.io.gfile, as torch, so remote log dirs (s3://, gs://) work where TensorBoard supports them
    with tf.io.gfile.GFile(path, "wb") as f:
        f.write(data)


def write_tsv(metadata, save_path: str, metadata_header=None) -> None:
    """One label per line, or a header line and tab-separated columns."""
    if not metadata_header:
        lines = [str(x) for x in metadata]
    else:
        if len(metadata_header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in metadata")
        lines = ["\t".join(str(e) for e in row) for row in [metadata_header] + list(metadata)]
    _write(os.path.join(save_path, "metadata.tsv"), tf.compat.as_bytes("\n".join(lines) + "\n"))


def write_sprite(label_img, save_path: str) -> None:
    """The ``(N, C, H, W)`` label images in a square grid of ``ceil(sqrt(N))`` columns, as one PNG."""
    from PIL import Image

    images = make_np(label_img)
    grid = make_grid(images, ncols=math.ceil(images.shape[0] ** 0.5))
    square = np.zeros((grid.shape[2], grid.shape[2], 3))
    square[:grid.shape[1]] = grid.transpose(1, 2, 0)
    with io.BytesIO() as buf:
        Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(buf, format="PNG")
        _write(os.path.join(save_path, "sprite.png"), buf.getvalue())


def write_mat(mat: np.ndarray, save_path: str) -> None:
    """The embedding matrix, one tab-separated row per data point."""
    rows = ["\t".join(str(v.item()) for v in row) + "\n" for row in mat]
    _write(os.path.join(save_path, "tensors.tsv"), tf.compat.as_bytes("".join(rows)))


def write_pbtxt(save_path: str, contents: str) -> None:
    _write(os.path.join(save_path, "projector_config.pbtxt"), tf.compat.as_bytes(contents))


def embedding_info(metadata, label_img, subdir: str, global_step: int, tag: str) -> EmbeddingInfo:
    info = EmbeddingInfo(tensor_name=f"{tag}:{str(global_step).zfill(5)}",
                         tensor_path=os.path.join(subdir, "tensors.tsv"))
    if metadata is not None:
        info.metadata_path = os.path.join(subdir, "metadata.tsv")
    if label_img is not None:
        info.sprite.image_path = os.path.join(subdir, "sprite.png")
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    return info
