"""Vectorised drawing primitives shared by the synthetic ophthalmic generators.

Every primitive draws a whole chunk of ``n`` images at once into an ``(n, S, S)`` float32
array, by broadcasting per-image parameters over the pixel grid. Isotropic shapes are
evaluated separably (one pass over the images), and any number of small Gaussian "splats"
(vessel segments, lesions, opacities) is drawn with one batched matrix product, so cost does
not grow with a Python loop over images, pixels or primitives. The splats are the small
salient regions that carry the label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ash_lightning.data.synthetic.workspace import Workspace

#: Standard deviation, in pixels, added in quadrature to every splat so that sub-pixel
#: primitives stay visible (a crude anti-aliasing filter).
PIXEL_BLUR = 0.5

#: Largest ``rows * columns * depth`` of one matrix product in `render_splats`.
GEMM_SINGLE_THREAD_LIMIT = 200_000


def pixel_centres(image_size: int) -> np.ndarray:
    """Returns the pixel-centre coordinates along one axis, spanning ``[-1, 1]``.

    Args:
        image_size: Number of pixels ``S`` along the axis.

    Returns:
        Float32 array of shape ``(S,)``.
    """
    step = 2.0 / image_size
    return ((np.arange(image_size) + 0.5) * step - 1.0).astype(np.float32)


def column(values: np.ndarray | float) -> np.ndarray:
    """Per-image parameters as a float32 ``(n, 1, 1)`` array for broadcasting on planes."""
    return np.asarray(values, dtype=np.float32).reshape(-1, 1, 1)


@dataclass(frozen=True)
class Splats:
    """A batch of isotropic Gaussian splats, ``k`` per image, in pixel-frame units.

    Attributes:
        x: Centres' x coordinates, shape ``(n, k)``.
        y: Centres' y coordinates, shape ``(n, k)``.
        sigma: Standard deviations, shape ``(n, k)``.
        amplitude: Peak values (zero disables a splat), shape ``(n, k)``.
    """

    x: np.ndarray
    y: np.ndarray
    sigma: np.ndarray
    amplitude: np.ndarray


def concat_splats(parts: Sequence[Splats]) -> Splats:
    """Concatenates several batches of splats image by image (along the ``k`` axis)."""
    return Splats(
        x=np.concatenate([part.x for part in parts], axis=1),
        y=np.concatenate([part.y for part in parts], axis=1),
        sigma=np.concatenate([part.sigma for part in parts], axis=1),
        amplitude=np.concatenate([part.amplitude for part in parts], axis=1),
    )


def _profiles(
    centres: np.ndarray, inv: np.ndarray, axis: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Writes ``exp(inv * (axis - centre)^2)`` for every splat into ``out`` ``(n, k, S)``."""
    np.subtract(axis, centres.astype(np.float32)[:, :, None], out=out)
    np.square(out, out=out)
    out *= inv[:, :, None]
    return np.exp(out, out=out)


def _gemm_rows(size: int, k: int) -> int:
    """Rows per matrix product, a power of two dividing ``size``, keeping products small.

    Products of ``rows * size * k`` multiply-adds below `GEMM_SINGLE_THREAD_LIMIT` run on
    the calling thread in OpenBLAS, whose worker threads would otherwise wake up and spin,
    contending with the threads that render other chunks (see `chunking`).
    """
    rows = 1
    while size % (2 * rows) == 0 and 2 * rows * size * k <= GEMM_SINGLE_THREAD_LIMIT:
        rows *= 2
    return rows


def render_splats(
    splats: Splats, axis: np.ndarray, out: np.ndarray, workspace: Workspace
) -> np.ndarray:
    """Sums Gaussian splats on the pixel grid with one batched matrix product.

    A Gaussian is separable, so ``sum_k a_k g_k(y) g_k(x)`` is the product of an
    ``(n, S, k)`` and a ``(n, k, S)`` matrix. Widths are blurred by `PIXEL_BLUR` pixels
    with the integral kept, so that tiny splats remain visible at low resolution.

    Args:
        splats: The splats, in pixel-frame units.
        axis: Pixel-centre coordinates, shape ``(S,)`` (see `pixel_centres`).
        out: Output array, shape ``(n, S, S)``; overwritten.
        workspace: Scratch arrays of the calling thread.

    Returns:
        ``out``.
    """
    n, k = splats.x.shape
    blur = PIXEL_BLUR * 2.0 / axis.size
    var = splats.sigma**2 + blur**2
    inv = (-0.5 / var).astype(np.float32)
    peak = (splats.amplitude * splats.sigma**2 / var).astype(np.float32)
    across = _profiles(splats.x, inv, axis, workspace.array("splat_x", (n, k, axis.size)))
    down = _profiles(splats.y, inv, axis, workspace.array("splat_y", (n, k, axis.size)))
    down *= peak[:, :, None]
    rows = _gemm_rows(axis.size, k)
    blocks = (n, axis.size // rows, rows, axis.size)
    np.matmul(
        down.transpose(0, 2, 1).reshape(n, -1, rows, k),
        across[:, None],
        out=out.reshape(blocks),
    )
    return out


def squared_distance(
    cx: np.ndarray, cy: np.ndarray, axis: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Squared distance of every pixel to one centre per image (one pass, separable).

    Args:
        cx: Centres' x coordinates in the pixel frame, shape ``(n,)``.
        cy: Centres' y coordinates in the pixel frame, shape ``(n,)``.
        axis: Pixel-centre coordinates, shape ``(S,)``.
        out: Output array, shape ``(n, S, S)``; overwritten.

    Returns:
        ``out``.
    """
    dx = (axis[None, :] - cx.astype(np.float32)[:, None]) ** 2
    dy = (axis[None, :] - cy.astype(np.float32)[:, None]) ** 2
    return np.add(dx[:, None, :], dy[:, :, None], out=out)


def gaussian_bump(
    cx: np.ndarray, cy: np.ndarray, sigma: np.ndarray, axis: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """One isotropic unit-peak Gaussian per image, as an outer product (one pass).

    Args:
        cx: Centres' x coordinates in the pixel frame, shape ``(n,)``.
        cy: Centres' y coordinates in the pixel frame, shape ``(n,)``.
        sigma: Standard deviations, shape ``(n,)``.
        axis: Pixel-centre coordinates, shape ``(S,)``.
        out: Output array, shape ``(n, S, S)``; overwritten.

    Returns:
        ``out``.
    """
    inv = (-0.5 / sigma**2).astype(np.float32)[:, None]
    across = np.exp((axis[None, :] - cx.astype(np.float32)[:, None]) ** 2 * inv)
    down = np.exp((axis[None, :] - cy.astype(np.float32)[:, None]) ** 2 * inv)
    return np.multiply(across[:, None, :], down[:, :, None], out=out)


def soft_disc(
    dist_sq: np.ndarray, radius: np.ndarray | float, edge: float, out: np.ndarray
) -> np.ndarray:
    """Anti-aliased filled disc: 1 inside, 0 outside, a linear ramp ``edge`` wide.

    Uses ``(r^2 - d^2) / (2 r)`` as the signed distance to the rim, exact at the rim.

    Args:
        dist_sq: Squared distance to the disc centre, shape ``(n, S, S)`` or ``(S, S)``.
        radius: Disc radius per image, shape ``(n,)``, or one radius for ``(S, S)``.
        edge: Width of the ramp, in pixel-frame units.
        out: Output array shaped like ``dist_sq`` (may be ``dist_sq`` itself).

    Returns:
        ``out``.
    """
    radius = np.asarray(radius, dtype=np.float32)
    shape = (-1, 1, 1) if radius.ndim else ()
    np.multiply(dist_sq, (-0.5 / (radius * edge)).reshape(shape), out=out)
    out += (0.5 * radius / edge + 0.5).reshape(shape)
    return np.clip(out, 0.0, 1.0, out=out)


def ramp(values: np.ndarray, centre: float, width: float, out: np.ndarray) -> np.ndarray:
    """Linear ramp from 0 (at ``centre - width / 2``) to 1 (at ``centre + width / 2``).

    A negative ``width`` gives the decreasing ramp (1 below ``centre``, 0 above).

    Args:
        values: Input array.
        centre: Value mapped to 0.5.
        width: Signed width of the ramp.
        out: Output array shaped like ``values`` (may be ``values`` itself).

    Returns:
        ``out``, clipped to ``[0, 1]``.
    """
    np.multiply(values, np.float32(1.0 / width), out=out)
    out += np.float32(0.5 - centre / width)
    return np.clip(out, 0.0, 1.0, out=out)


def scale_planes(planes: np.ndarray, values: np.ndarray | float) -> np.ndarray:
    """Multiplies each image plane by its own factor, in place.

    Args:
        planes: Array of shape ``(n, S, S)``.
        values: Factors, shape ``(n,)``, or one factor.

    Returns:
        ``planes``.
    """
    planes *= column(values)
    return planes
