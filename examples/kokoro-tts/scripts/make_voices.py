"""Writes tiny voice tensors for the local kokoro stand-in (deterministic).

The real voice packs are [510, 1, 256] float32 tensors (~0.5 MB each); these keep the shape's
last two dimensions but only 4 rows, so the stand-in loads them the same way.
"""

import os

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VOICES = {"af_heart": 1, "am_adam": 2}


def main():
    out_dir = os.path.join(ROOT, "voices")
    os.makedirs(out_dir, exist_ok=True)
    for name, seed in VOICES.items():
        generator = torch.Generator().manual_seed(seed)
        pack = torch.randn(4, 1, 256, generator=generator) * 0.1
        path = os.path.join(out_dir, f"{name}.pt")
        torch.save(pack, path)
        print(f"{path}: {tuple(pack.shape)}")


if __name__ == "__main__":
    main()
