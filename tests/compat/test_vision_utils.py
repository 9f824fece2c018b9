"""torchvision.utils.make_grid/save_image and io.read_image on the facade, against a NumPy tiling done the
way torchvision does it (narrow + copy_ into a pad_value canvas)."""
import numpy as np
import pytest
from PIL import Image

import jtorch.compat as torch
from jtorch.compat.vision import io, utils


def reference_grid(x, nrow=8, padding=2, pad_value=0.0):
    if x.shape[1] == 1:
        x = np.concatenate([x] * 3, 1)
    n, c, h, w = x.shape
    xmaps = min(nrow, n)
    ymaps = -(-n // xmaps)
    grid = np.full((c, (h + padding) * ymaps + padding, (w + padding) * xmaps + padding), pad_value, x.dtype)
    for k in range(n):
        y, xx = divmod(k, xmaps)
        grid[:, y * (h + padding) + padding:(y + 1) * (h + padding), xx * (w + padding) + padding:
             (xx + 1) * (w + padding)] = x[k]
    return grid


@pytest.mark.parametrize("shape,kw", [((64, 1, 28, 28), {}), ((6, 3, 5, 7), {"nrow": 4}),
                                      ((8, 3, 4, 4), {"padding": 0}), ((5, 2, 3, 3), {"pad_value": 0.5})])
def test_make_grid(shape, kw):
    x = np.random.default_rng(0).random(shape).astype(np.float32)
    got = utils.make_grid(torch.from_numpy(x), **kw).numpy()
    np.testing.assert_array_equal(got, reference_grid(x, **kw))


def test_make_grid_normalize_list_and_errors():
    x = np.random.default_rng(1).random((3, 3, 4, 4)).astype(np.float32) * 4 - 2
    got = utils.make_grid(torch.from_numpy(x), normalize=True).numpy()
    np.testing.assert_allclose(got, reference_grid((x - x.min()) / (x.max() - x.min())), atol=1e-6)
    each = utils.make_grid(torch.from_numpy(x), normalize=True, scale_each=True, padding=0).numpy()
    assert np.isclose(each[:, :, :4].min(), 0) and np.isclose(each[:, :, 8:].max(), 1)
    ranged = utils.make_grid([torch.from_numpy(a) for a in x], normalize=True, value_range=(-1, 1)).numpy()
    np.testing.assert_allclose(ranged, reference_grid((np.clip(x, -1, 1) + 1) / 2), atol=1e-6)
    assert tuple(utils.make_grid(torch.from_numpy(x[0])).shape) == (3, 4, 4)
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        utils.make_grid(x)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        utils.make_grid(torch.from_numpy(x), normalize=True, value_range=[0, 1])


def test_save_image_read_image_roundtrip(tmp_path):
    x = np.random.default_rng(2).random((2, 3, 5, 6)).astype(np.float32)
    path = str(tmp_path / "grid.png")
    utils.save_image(torch.from_numpy(x), path, padding=1)
    want = np.clip(reference_grid(x, padding=1) * 255 + 0.5, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(np.array(Image.open(path)), want.transpose(1, 2, 0))
    img = io.read_image(path)
    assert img.dtype == torch.uint8 and tuple(img.shape) == (3, 7, 15)
    np.testing.assert_array_equal(img.numpy(), want)
    gray = io.read_image(path, io.ImageReadMode.GRAY)
    np.testing.assert_array_equal(gray.numpy()[0], np.array(Image.open(path).convert("L")))
