"""The fast PNG encoder every explorer's image goes through (floor 3).

Written by hand because it is the hot path of every explorer: no row filters and a fast zlib level
make it about twice as fast as Pillow's encoder on the course's figures, and the files are smaller
(``benchmarks/bench_explorers.py`` measures both). Introduced in ``notebooks/01_mixture_densities.ipynb``.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np
from matplotlib.figure import Figure


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """A PNG (8-bit RGB, no row filters, zlib ``level``) of an (height, width, 4) RGBA array.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Alpha is dropped: the figures are opaque. (Pillow spends most of its time choosing row filters.)
    """
    h, w, _ = rgba.shape
    raw = np.empty((h, 1 + 3 * w), np.uint8)
    raw[:, 0] = 0                                        # filter type 0 (None) on every row
    raw[:, 1:] = rgba[:, :, :3].reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)   # 8 bits, colour type 2 (RGB)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + chunk(b"IEND", b""))


def canvas_png(canvas) -> bytes:
    """The PNG of what an Agg canvas holds now.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    return encode_png(np.asarray(canvas.buffer_rgba()))


def figure_png(fig: Figure) -> bytes:
    """Render ``fig`` with Agg and encode it as PNG (fast zlib level; the pixels are what the inline backend draws).

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    fig.canvas.draw()
    return canvas_png(fig.canvas)
