"""Image summaries: layout conversion (``CHW``/``HWC``/``HW``/``NCHW``...), batch grids, PNG encoding.

Follows ``torch.utils.tensorboard``: float images are scaled by 255 and uint8 images kept, both clipped
to ``[0, 255]``; a batch becomes one grid image of at most 8 columns; PIL encodes the PNG.
"""
from __future__ import annotations

import io

import numpy as np
from tensorboard.compat.proto.summary_pb2 import Summary

from ._summaries import make_np

__all__ = ["convert_to_HWC", "figure_to_image", "image", "make_grid"]


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """``(N, 1 or 3, H, W)`` -> one ``(3, H * rows, W * cols)`` canvas, row-major, zero-filled."""
    if not isinstance(images, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i, img in enumerate(images):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = img
    return canvas


def convert_to_HWC(tensor: np.ndarray, input_format: str) -> np.ndarray:  # noqa: N802 (torch's name)
    """Moves an array in ``input_format`` (any order of N, C, H, W) to 3-channel ``HWC``."""
    # PyTorch's texts, including the spaces its line continuations leave
    if len(set(input_format)) != len(input_format):
        raise AssertionError(f"You can not use the same dimension shorthand twice.             "
                             f"input_format: {input_format}")
    if len(tensor.shape) != len(input_format):
        raise AssertionError(f"size of input tensor and input format are different.         "
                             f"tensor shape: {tensor.shape}, input_format: {input_format}")
    input_format = input_format.upper()
    if len(input_format) == 4:
        nchw = tensor.transpose([input_format.find(c) for c in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if len(input_format) == 3:
        hwc = tensor.transpose([input_format.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    if len(input_format) == 2:
        return np.stack([tensor.transpose([input_format.find(c) for c in "HW"])] * 3, 2)


def _draw_box(image, box, label: str | None) -> None:
    """A red 2-pixel box, with ``label`` on a red band at its bottom-left (torch's ``_draw_single_box``)."""
    from PIL import ImageDraw, ImageFont

    left, top, right, bottom = box
    draw = ImageDraw.Draw(image)
    draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)], width=2, fill="Red")
    if label:
        font = ImageFont.load_default()
        x0, y0, x1, y1 = font.getbbox(label)
        margin = np.ceil(0.05 * (y1 - y0))
        draw.rectangle([(left, bottom - (y1 - y0) - 2 * margin), (left + x1 - x0, bottom)], fill="Red")
        draw.text((left + margin, bottom - (y1 - y0) - margin), label, fill="black", font=font)


def _make_image(hwc: np.ndarray, rescale: float = 1, rois=None, labels=None) -> Summary.Image:
    from PIL import Image

    height, width, channel = hwc.shape
    image = Image.fromarray(hwc)
    for i, box in enumerate([] if rois is None else rois):
        _draw_box(image, box[:4], None if labels is None else labels[i])
    image = image.resize((int(width * rescale), int(height * rescale)), Image.Resampling.LANCZOS)
    with io.BytesIO() as output:
        image.save(output, format="PNG")
        encoded = output.getvalue()
    return Summary.Image(height=height, width=width, colorspace=channel, encoded_image_string=encoded)


def image(tag: str, tensor, rescale: float = 1, dataformats: str = "NCHW", boxes=None, labels=None) -> Summary:
    """An image summary of ``tensor`` laid out as ``dataformats``; floats are taken in ``[0, 1]``.

    ``boxes``: ``(N, 4)`` ``(xmin, ymin, xmax, ymax)`` pixel boxes drawn in red, captioned by ``labels``.
    """
    hwc = convert_to_HWC(make_np(tensor), dataformats)
    scale = 1 if hwc.dtype == np.uint8 else 255
    hwc = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    rois = None if boxes is None else make_np(boxes)
    return Summary(value=[Summary.Value(tag=tag, image=_make_image(hwc, rescale, rois, labels))])


def figure_to_image(figures, close: bool = True) -> np.ndarray:
    """Renders a matplotlib figure (``CHW`` uint8) or a list of them (``NCHW``) with the Agg backend."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(figure) -> np.ndarray:
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        w, h = figure.canvas.get_width_height()
        chw = np.moveaxis(np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8).reshape(h, w, 4)[:, :, :3], 2, 0)
        if close:
            plt.close(figure)
        return chw

    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)
