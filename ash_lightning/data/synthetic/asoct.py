"""Synthetic anterior-segment OCT (AS-OCT) cross-sections graded by a subcapsular opacity.

Stands in for the private ASOCT-Cataract set of Fang et al. (BIBM 2020): five grades of
subcapsular turbidity whose images "share similar overall performance" and differ in a small
salient region. Each grey image shows a dark background, a bright curved cornea, the iris, an
elliptical lens with capsule and a graded nuclear texture, and multiplicative speckle. Only
the posterior subcapsular plaque (`asoct_opacity`) depends on the grade; pose, anatomy,
speckle, brightness and contrast are label-independent nuisances, and each image is
re-standardised to random target statistics so that its mean and std carry no grade.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.data.synthetic.asoct_opacity import opacity_splats
from ash_lightning.data.synthetic.chunking import render_in_chunks, validate_labels
from ash_lightning.data.synthetic.drawing import (
    column,
    pixel_centres,
    ramp,
    render_splats,
    scale_planes,
    squared_distance,
)
from ash_lightning.data.synthetic.geometry import Pose, draw_pose
from ash_lightning.data.synthetic.photometric import draw_targets, standardise_to_uint8, unit_noise
from ash_lightning.data.synthetic.workspace import Workspace

#: Grade names, index = grade (0: clear, 4: densest subcapsular opacity).
ASOCT_GRADES: tuple[str, ...] = tuple(f"grade_{grade}" for grade in range(5))

_CORNEA_CENTRE_Y = 1.05
_CORNEA_RADIUS = 1.68
_PUPIL_HALF_WIDTH = 0.33
_IRIS_Y = -0.085
_IRIS_SLOPE = 0.2
_TARGET_MEAN = np.array([[28.0, 42.0]])
_TARGET_STD_RATIO = (0.6, 0.75)


def _cornea(pose: Pose, thickness: np.ndarray, axis: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Bright curved corneal band (a thick circular arc), written into ``out`` ``(n, S, S)``."""
    n = pose.angle.size
    cx, cy = pose.to_pixel(np.zeros(n), np.full(n, _CORNEA_CENTRE_Y))
    half = thickness * pose.scale / 2
    squared_distance(cx, cy, axis, out=out)
    np.sqrt(out, out=out)
    out -= column(_CORNEA_RADIUS * pose.scale - half)
    np.abs(out, out=out)
    out -= column(half)
    return ramp(out, 0.0, -0.02, out=out)


def _iris(x: np.ndarray, y: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Two bright iris leaves either side of the pupil, sloping to the angle, into ``out``."""
    lateral = np.abs(x, out=scratch)
    np.multiply(lateral, np.float32(_IRIS_SLOPE), out=out)
    out += y
    out -= np.float32(_IRIS_Y + _IRIS_SLOPE * _PUPIL_HALF_WIDTH)
    np.abs(out, out=out)
    ramp(out, 0.04, -0.025, out=out)
    out *= ramp(lateral, _PUPIL_HALF_WIDTH, 0.03, out=scratch)
    return out


def _lens(
    x: np.ndarray,
    y: np.ndarray,
    shape: np.ndarray,
    out: np.ndarray,
    workspace: Workspace,
) -> np.ndarray:
    """Lens: bright capsule on an ellipse, dim cortex, graded lamellar nucleus, into ``out``.

    Args:
        x: Local x of the pixels, shape ``(n, S, S)``.
        y: Local y of the pixels, shape ``(n, S, S)``.
        shape: Per image ``(centre y, semi-axis a, semi-axis b, nucleus density)``, ``(n, 4)``.
        out: Output array, shape ``(n, S, S)``.
        workspace: Scratch arrays of the calling thread.

    Returns:
        ``out``.
    """
    q = workspace.array("lens_q", x.shape)
    core = workspace.array("lens_core", x.shape)
    wave = workspace.array("lens_wave", x.shape)
    np.multiply(x, column(1.0 / shape[:, 1]), out=q)
    np.square(q, out=q)
    np.subtract(y, column(shape[:, 0]), out=core)
    core *= column(1.0 / shape[:, 2])
    np.square(core, out=core)
    q += core
    np.subtract(q, np.float32(1.0), out=out)
    np.abs(out, out=out)
    ramp(out, 0.07, -0.06, out=out)
    out *= np.float32(0.5)
    ramp(q, 0.55, -0.6, out=core)
    core *= column(shape[:, 3])
    np.multiply(q, np.float32(26.0), out=wave)
    np.cos(wave, out=wave)
    wave *= np.float32(0.02)
    core += wave
    core += np.float32(0.07)
    core *= ramp(q, 1.0, -0.08, out=wave)
    out += core
    return out


def _render_chunk(
    rng: np.random.Generator, grades: np.ndarray, out: np.ndarray, workspace: Workspace
) -> None:
    """Renders one chunk of AS-OCT images into the uint8 ``out`` ``(n, 1, S, S)``."""
    n, size = grades.size, out.shape[-1]
    axis = pixel_centres(size)
    pose = draw_pose(
        rng, n, max_angle_deg=7.0, max_shift=0.08, scale_range=(0.9, 1.08), allow_mirror=False
    )
    cornea_thickness = rng.uniform(0.07, 0.095, n)
    lens = rng.uniform([0.31, 0.66, 0.38, 0.04], [0.37, 0.76, 0.44, 0.16], (n, 4))
    brightness = rng.uniform([0.6, 0.35], [0.85, 0.55], (n, 2))
    speckle = rng.uniform(0.2, 0.4, n)
    floor = rng.uniform(0.01, 0.03, n)
    mean, std = draw_targets(rng, n, _TARGET_MEAN, _TARGET_STD_RATIO)
    plaque = opacity_splats(rng, grades, pose, lens[:, 0], lens[:, 1], lens[:, 2])

    plane = (n, size, size)
    x, y = pose.local_grid(axis, workspace.array("x", plane), workspace.array("y", plane))
    image = workspace.array("image", plane)
    layer = workspace.array("layer", plane)
    scratch = workspace.array("scratch", plane)
    scale_planes(_cornea(pose, cornea_thickness, axis, out=image), brightness[:, 0])
    image += scale_planes(_iris(x, y, out=layer, scratch=scratch), brightness[:, 1])
    image += _lens(x, y, lens, out=layer, workspace=workspace)
    image += render_splats(plaque, axis, out=layer, workspace=workspace)
    image += np.float32(0.03)
    noise = unit_noise(rng, out=layer)
    np.multiply(image, column(speckle), out=scratch)
    scratch += column(floor)
    noise *= scratch
    image += noise
    standardise_to_uint8(image[:, None], mean, std, out=out)


def generate_asoct(labels: np.ndarray, image_size: int, seed: int) -> np.ndarray:
    """Generates synthetic AS-OCT lens cross-sections graded by subcapsular opacity.

    Deterministic: the same ``(labels, image_size, seed)`` gives byte-identical images.

    Args:
        labels: Grades in ``0..4`` (see `ASOCT_GRADES`), shape ``(n,)``.
        image_size: Side ``S`` of the square images, in pixels (at least 8).
        seed: Non-negative random seed.

    Returns:
        Grey images, uint8 of shape ``(n, 1, S, S)``.
    """
    grades = validate_labels(labels, len(ASOCT_GRADES))
    return render_in_chunks(grades, image_size, seed, 1, _render_chunk)
