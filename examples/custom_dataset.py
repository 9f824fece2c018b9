"""A custom ``Dataset`` over an image folder and ``ConcatDataset`` (seed 001): one dataset per label folder,
``ants + bees`` concatenates them, and a ``DataLoader`` batches the result through torchvision transforms.

The images are generated into ``--root`` (random pixels) so the example runs anywhere.

    jtorch run examples/custom_dataset.py --root hymenoptera_data
"""
import argparse
import os

import numpy as np
import torch
import torchvision.transforms as transforms
from PIL import Image
from torch.utils.data import ConcatDataset, DataLoader, Dataset

parser = argparse.ArgumentParser()
parser.add_argument("--root", default="hymenoptera_data/train")
parser.add_argument("--per-class", type=int, default=6)
args = parser.parse_args()


def make_images(root, labels, count):
    """Writes ``count`` random RGB PNGs (of varying sizes) per label folder."""
    rng = np.random.default_rng(0)
    for label in labels:
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(count):
            pixels = rng.integers(0, 256, size=(rng.integers(24, 48), rng.integers(24, 48), 3), dtype=np.uint8)
            Image.fromarray(pixels).save(os.path.join(root, label, f"{label}_{i}.png"))


class Mydata(Dataset):
    """The images of one label folder ``root_dir/label_dir``; items are ``(image, label)``."""

    def __init__(self, root_dir, label_dir, transform=None):
        self.path = os.path.join(root_dir, label_dir)
        self.label_dir = label_dir
        self.img_path_list = sorted(os.listdir(self.path))
        self.transform = transform

    def __getitem__(self, index):
        img = Image.open(os.path.join(self.path, self.img_path_list[index])).convert("RGB")
        if self.transform is not None:
            img = self.transform(img)
        return img, self.label_dir

    def __len__(self):
        return len(self.img_path_list)


make_images(args.root, ["ants", "bees"], args.per_class)
ants_dataset = Mydata(args.root, "ants")
bees_dataset = Mydata(args.root, "bees")
img, label = ants_dataset[0]
print("ants:", len(ants_dataset), "first item:", img.size, img.mode, label)

train_dataset = ants_dataset + bees_dataset
print("ants + bees:", type(train_dataset).__name__, len(train_dataset), train_dataset.cumulative_sizes)
print("last label:", train_dataset[-1][1])

transform = transforms.Compose([transforms.Resize((32, 32)), transforms.ToTensor()])
dataset = ConcatDataset([Mydata(args.root, "ants", transform), Mydata(args.root, "bees", transform)])
loader = DataLoader(dataset, batch_size=4, shuffle=True, drop_last=False)
torch.manual_seed(0)
for i, (imgs, labels) in enumerate(loader):
    print(f"batch {i}: images {tuple(imgs.shape)} {imgs.dtype}, labels {list(labels)}")
print("batches per epoch:", len(loader))
