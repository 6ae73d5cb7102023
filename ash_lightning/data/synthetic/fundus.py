"""Synthetic colour fundus photographs with five classes carried by small lesions.

Stands in for the private Fundus-iSee set of Fang et al. (BIBM 2020): normal, diabetic
retinopathy (DR), glaucoma, age-related macular degeneration (AMD) and pathological myopia,
whose images "share similar overall performance" and differ in salient regions. Each image is
an orange-red fundus disc on black with a radial colour gradient, a vessel tree leaving a
bright optic disc with its cup, and a darker macula. Only small lesions depend on the class
(`fundus_lesions`, drawn in `fundus_scene`); pose (including left/right eye), anatomy,
illumination, noise, colour, brightness and contrast are label-independent nuisances, and each
channel is re-standardised to random target statistics so that per-channel means and stds
carry no class.

`generate_fundus_multilabel` renders the same eyes with any set of diseases per image, a
multi-label stand-in in the spirit of the ChestX-ray14 retrieval of attention-guided hashing
with a weighted likelihood (Zhu et al., 2022): relevance is a shared label.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.data.synthetic.chunking import (
    render_in_chunks,
    validate_labels,
    validate_multi_hot,
)
from ash_lightning.data.synthetic.drawing import (
    gaussian_bump,
    pixel_centres,
    render_splats,
    scale_planes,
    soft_disc,
    squared_distance,
)
from ash_lightning.data.synthetic.fundus_scene import (
    FUNDUS_CLASSES,
    NORMAL,
    FundusScene,
    draw_fundus_scene,
)
from ash_lightning.data.synthetic.photometric import standardise_to_uint8, unit_noise
from ash_lightning.data.synthetic.workspace import Workspace

__all__ = ["FUNDUS_CLASSES", "generate_fundus", "generate_fundus_multilabel"]

_FOV_RADIUS = 0.93
#: Per-channel (R, G, B) response of each layer, relative to the channel's background.
_VIGNETTE = np.array([0.3, 0.45, 0.5], dtype=np.float32)
_DISC_GAIN = np.array([0.3, 0.85, 1.0], dtype=np.float32)
_YELLOW_GAIN = np.array([0.3, 0.8, 0.35], dtype=np.float32)
_DARK_GAIN = np.array([0.45, 0.75, 0.7], dtype=np.float32)


def _field_of_view(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Camera aperture mask and squared radius, shared by all images, shape ``(S, S)``."""
    radius_sq = axis[None, :] ** 2 + axis[:, None] ** 2
    mask = soft_disc(radius_sq, _FOV_RADIUS, 0.03, out=np.empty_like(radius_sq))
    return mask, radius_sq


def _disc_field(scene: FundusScene, axis: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
    """Bright optic disc with a brighter cup, into ``out`` ``(n, S, S)``."""
    for (x, y, radius), field, edge, gain in (
        (scene.disc.T, out, 0.03, 1.0),
        (scene.cup.T, scratch, 0.02, 0.8),
    ):
        px, py = scene.pose.to_pixel(x, y)
        squared_distance(px, py, axis, out=field)
        scale_planes(soft_disc(field, radius * scene.pose.scale, edge, out=field), gain)
    out += scratch


def _darkening(scene: FundusScene, axis: np.ndarray, out: np.ndarray, workspace: Workspace) -> None:
    """Vessels, dark lesions and the macula as a darkening in ``[0, 1]``, into ``out``."""
    render_splats(scene.dark, axis, out, workspace)
    x, y, sigma, depth = scene.macula.T
    px, py = scene.pose.to_pixel(x, y)
    macula = gaussian_bump(
        px, py, sigma * scene.pose.scale, axis, out=workspace.array("macula", out.shape)
    )
    out += scale_planes(macula, depth)
    np.clip(out, 0.0, 1.0, out=out)


def _illumination(
    scene: FundusScene, axis: np.ndarray, aperture: np.ndarray, out: np.ndarray
) -> None:
    """Camera aperture ``(S, S)`` times a tilted illumination, into ``out`` ``(n, S, S)``."""
    tilt = scene.tilt.astype(np.float32)
    np.add((tilt[:, :1] * axis)[:, None, :], (tilt[:, 1:] * axis)[:, :, None], out=out)
    out += np.float32(1.0)
    out *= aperture


def _render_chunk(
    rng: np.random.Generator, present: np.ndarray, out: np.ndarray, workspace: Workspace
) -> None:
    """Renders fundus images with presence masks ``(n, 5)`` into the uint8 ``out``."""
    n, size = len(present), out.shape[-1]
    axis = pixel_centres(size)
    scene = draw_fundus_scene(rng, present)
    plane = (n, size, size)
    layer = workspace.array("layer", plane)
    darkening = workspace.array("dark", plane)
    _darkening(scene, axis, darkening, workspace)
    disc = workspace.array("disc", plane)
    _disc_field(scene, axis, disc, scratch=layer)
    yellow = render_splats(scene.bright, axis, workspace.array("yellow", plane), workspace)
    aperture, radius_sq = _field_of_view(axis)
    base = workspace.array("base", plane)
    _illumination(scene, axis, aperture, base)
    noise = scale_planes(unit_noise(rng, out=workspace.array("noise", plane)), scene.noise_level)

    images = workspace.array("images", (n, 3, size, size))
    for channel in range(3):
        image = images[:, channel]
        np.multiply(base, 1.0 - _VIGNETTE[channel] * radius_sq, out=image)
        image += np.multiply(disc, _DISC_GAIN[channel], out=layer)
        image += np.multiply(yellow, _YELLOW_GAIN[channel], out=layer)
        np.multiply(darkening, -_DARK_GAIN[channel], out=layer)
        layer += np.float32(1.0)
        image *= layer
        image += noise
    standardise_to_uint8(images, scene.target_mean, scene.target_std, out=out)


def generate_fundus(labels: np.ndarray, image_size: int, seed: int) -> np.ndarray:
    """Generates synthetic colour fundus photographs with lesion-carried classes.

    Deterministic: the same ``(labels, image_size, seed)`` gives byte-identical images.

    Args:
        labels: Classes in ``0..4`` in the order of `FUNDUS_CLASSES` (normal, DR, glaucoma,
            AMD, myopia), shape ``(n,)``.
        image_size: Side ``S`` of the square images, in pixels (at least 8).
        seed: Non-negative random seed.

    Returns:
        RGB images, uint8 of shape ``(n, 3, S, S)``.
    """
    classes = validate_labels(labels, len(FUNDUS_CLASSES))
    present = classes[:, None] == np.arange(len(FUNDUS_CLASSES))
    return render_in_chunks(present, image_size, seed, 3, _render_chunk)


def generate_fundus_multilabel(labels: np.ndarray, image_size: int, seed: int) -> np.ndarray:
    """Generates synthetic colour fundus photographs with any set of diseases per image.

    The lesions of every disease marked in a row are drawn on the image; the random stream
    is the one of `generate_fundus`, so the same seed draws the same eyes whatever the labels
    (and a single-disease row gives the image `generate_fundus` gives for that class).
    Deterministic: the same ``(labels, image_size, seed)`` gives byte-identical images.

    Args:
        labels: Multi-hot labels over `FUNDUS_CLASSES`, shape ``(n, 5)``; ``normal`` must be
            set exactly in the rows without any disease.
        image_size: Side ``S`` of the square images, in pixels (at least 8).
        seed: Non-negative random seed.

    Returns:
        RGB images, uint8 of shape ``(n, 3, S, S)``.

    Raises:
        ValueError: If the labels are not multi-hot or ``normal`` disagrees with the diseases.
    """
    multi_hot = validate_multi_hot(labels, len(FUNDUS_CLASSES)).astype(bool)
    diseased = np.delete(multi_hot, NORMAL, axis=1).any(axis=1)
    if np.any(multi_hot[:, NORMAL] == diseased):
        raise ValueError("the 'normal' label must be set exactly in the rows without a disease")
    return render_in_chunks(multi_hot, image_size, seed, 3, _render_chunk)
