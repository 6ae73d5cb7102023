"""Small class-specific lesions of the synthetic fundus images.

Fang et al. (BIBM 2020, Fig. 1) describe the salient regions of Fundus-iSee: DR is judged
on the macula, glaucoma on a large optic cup, pathological myopia on a leopard (tessellated)
fundus; AMD shows drusen around the macula. Each function draws the same random numbers for
every image and zeroes the amplitude where the image does not have the disease, so the random
stream (hence every nuisance) is independent of the labels, and the lesions of several
diseases can share an image (multi-label). All lesions stay small.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.data.synthetic.drawing import Splats
from ash_lightning.data.synthetic.geometry import Pose

HAEMORRHAGES = 10
DRUSEN = 12
TESSELLATION_GRID = 5
CRESCENT_BEADS = 7


def _to_splats(
    x: np.ndarray, y: np.ndarray, sigma: np.ndarray, amplitude: np.ndarray, pose: Pose
) -> Splats:
    """Maps local-frame splats of shape ``(n, k)`` to the pixel frame."""
    px, py = pose.to_pixel(x, y)
    return Splats(x=px, y=py, sigma=sigma * pose.scale[:, None], amplitude=amplitude)


def _scatter(
    rng: np.random.Generator,
    present: np.ndarray,
    centre_x: np.ndarray,
    centre_y: np.ndarray,
    count: int,
    radius: tuple[float, float],
    at_least: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scatters up to ``count`` points in an annulus around a centre, per image.

    Args:
        rng: Random generator.
        present: Whether the image has the lesion, shape ``(n,)``.
        centre_x: Annulus centre x (local frame), shape ``(n,)``.
        centre_y: Annulus centre y (local frame), shape ``(n,)``.
        count: Maximum number of points.
        radius: Inner and outer radius of the annulus.
        at_least: Minimum number of points in an image that has the lesion.

    Returns:
        ``(x, y, on)`` of shape ``(n, count)``; ``on`` is 1 for drawn points, else 0.
    """
    n = present.size
    angle = rng.uniform(0.0, 2.0 * np.pi, (n, count))
    r = np.sqrt(rng.uniform(radius[0] ** 2, radius[1] ** 2, (n, count)))
    number = rng.integers(at_least, count + 1, n)
    on = (np.arange(count)[None, :] < number[:, None]) & present[:, None]
    x = centre_x[:, None] + r * np.cos(angle)
    y = centre_y[:, None] + r * np.sin(angle)
    return x, y, on.astype(np.float64)


def haemorrhage_splats(
    rng: np.random.Generator,
    present: np.ndarray,
    macula_x: np.ndarray,
    macula_y: np.ndarray,
    pose: Pose,
) -> Splats:
    """Diabetic retinopathy: dark red dots and blots around the macula.

    Args:
        rng: Random generator.
        present: Whether each image is DR, shape ``(n,)``.
        macula_x: Macula centre x (local frame), shape ``(n,)``.
        macula_y: Macula centre y (local frame), shape ``(n,)``.
        pose: Poses of the images.

    Returns:
        ``HAEMORRHAGES`` darkening splats per image (zero amplitude when absent).
    """
    n = present.size
    x, y, on = _scatter(rng, present, macula_x, macula_y, HAEMORRHAGES, (0.07, 0.3), 4)
    blot = rng.random((n, HAEMORRHAGES)) < 0.4
    sigma = np.where(
        blot,
        rng.uniform(0.022, 0.032, (n, HAEMORRHAGES)),
        rng.uniform(0.015, 0.021, (n, HAEMORRHAGES)),
    )
    depth = rng.uniform(0.9, 1.0, (n, HAEMORRHAGES)) * on
    return _to_splats(x, y, sigma, depth, pose)


def drusen_splats(
    rng: np.random.Generator,
    present: np.ndarray,
    macula_x: np.ndarray,
    macula_y: np.ndarray,
    pose: Pose,
) -> Splats:
    """Age-related macular degeneration: small yellow drusen clustered around the macula.

    Args:
        rng: Random generator.
        present: Whether each image is AMD, shape ``(n,)``.
        macula_x: Macula centre x (local frame), shape ``(n,)``.
        macula_y: Macula centre y (local frame), shape ``(n,)``.
        pose: Poses of the images.

    Returns:
        ``DRUSEN`` brightening splats per image (zero amplitude when absent).
    """
    n = present.size
    x, y, on = _scatter(rng, present, macula_x, macula_y, DRUSEN, (0.03, 0.22), 5)
    sigma = rng.uniform(0.017, 0.03, (n, DRUSEN))
    amplitude = rng.uniform(0.8, 1.1, (n, DRUSEN)) * on
    return _to_splats(x, y, sigma, amplitude, pose)


def tessellation_splats(
    rng: np.random.Generator,
    present: np.ndarray,
    disc_x: np.ndarray,
    disc_y: np.ndarray,
    pose: Pose,
) -> Splats:
    """Pathological myopia: a local leopard (tessellated) patch beside the optic disc.

    Dark inter-vascular spaces on a jittered grid, kept within a small round patch above or
    below the papillomacular bundle, on the temporal side of the disc.

    Args:
        rng: Random generator.
        present: Whether each image is myopic, shape ``(n,)``.
        disc_x: Disc centre x (local frame), shape ``(n,)``.
        disc_y: Disc centre y (local frame), shape ``(n,)``.
        pose: Poses of the images.

    Returns:
        ``TESSELLATION_GRID ** 2`` darkening splats per image (zero amplitude when absent).
    """
    n, k = present.size, TESSELLATION_GRID**2
    side = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    direction = np.pi + side * np.deg2rad(rng.uniform(30.0, 60.0, n))
    centre_x = disc_x + 0.3 * np.cos(direction)
    centre_y = disc_y + 0.3 * np.sin(direction)
    spacing = rng.uniform(0.06, 0.075, n)[:, None]
    ticks = np.arange(TESSELLATION_GRID) - (TESSELLATION_GRID - 1) / 2
    gx, gy = np.meshgrid(ticks, ticks)
    offset_x = (gx.reshape(1, k) + rng.uniform(-0.25, 0.25, (n, k))) * spacing
    offset_y = (gy.reshape(1, k) + rng.uniform(-0.25, 0.25, (n, k))) * spacing
    inside = np.hypot(offset_x, offset_y) < 0.16
    sigma = spacing * rng.uniform(0.3, 0.38, (n, k))
    depth = rng.uniform(0.45, 0.6, (n, k)) * (inside & present[:, None])
    return _to_splats(
        centre_x[:, None] + offset_x, centre_y[:, None] + offset_y, sigma, depth, pose
    )


def crescent_splats(
    rng: np.random.Generator,
    present: np.ndarray,
    disc_x: np.ndarray,
    disc_y: np.ndarray,
    disc_radius: np.ndarray,
    pose: Pose,
) -> Splats:
    """Pathological myopia: a pale peripapillary crescent on the temporal disc margin.

    Args:
        rng: Random generator.
        present: Whether each image is myopic, shape ``(n,)``.
        disc_x: Disc centre x (local frame), shape ``(n,)``.
        disc_y: Disc centre y (local frame), shape ``(n,)``.
        disc_radius: Disc radius (local frame), shape ``(n,)``.
        pose: Poses of the images.

    Returns:
        ``CRESCENT_BEADS`` brightening splats per image (zero amplitude when absent).
    """
    n = present.size
    sigma = rng.uniform(0.018, 0.025, n)[:, None]
    half_arc = np.deg2rad(rng.uniform(40.0, 65.0, n))[:, None]
    angle = np.pi + np.linspace(-1.0, 1.0, CRESCENT_BEADS)[None, :] * half_arc
    radius = disc_radius[:, None] + 0.8 * sigma
    x = disc_x[:, None] + radius * np.cos(angle)
    y = disc_y[:, None] + radius * np.sin(angle)
    amplitude = rng.uniform(0.5, 0.7, n)[:, None] * present[:, None]
    return _to_splats(
        x,
        y,
        np.repeat(sigma, CRESCENT_BEADS, axis=1),
        np.repeat(amplitude, CRESCENT_BEADS, axis=1),
        pose,
    )


def cup_to_disc_ratio(rng: np.random.Generator, glaucoma: np.ndarray) -> np.ndarray:
    """Glaucoma: an enlarged optic cup (cup-to-disc ratio 0.68-0.85 instead of 0.25-0.45).

    Args:
        rng: Random generator.
        glaucoma: Whether each image is glaucomatous, shape ``(n,)``.

    Returns:
        The cup-to-disc radius ratio per image, shape ``(n,)``.
    """
    n = glaucoma.size
    return np.where(glaucoma, rng.uniform(0.68, 0.85, n), rng.uniform(0.25, 0.45, n))
