"""Random scene of each synthetic fundus image: anatomy, lesions and nuisances.

Fundus classes share the overall appearance and differ in salient regions. The scene holds the
label-independent anatomy (optic disc, macula, vessels), pose, illumination, noise and target
colour statistics, and the small disease-specific lesions (`fundus_lesions`), all drawn for a
chunk of images at once. Lesions follow per-image presence masks, so one image may carry one
class (`generate_fundus`) or several diseases at once (`generate_fundus_multilabel`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ash_lightning.data.synthetic.drawing import Splats, concat_splats
from ash_lightning.data.synthetic.fundus_lesions import (
    crescent_splats,
    cup_to_disc_ratio,
    drusen_splats,
    haemorrhage_splats,
    tessellation_splats,
)
from ash_lightning.data.synthetic.geometry import Pose, draw_pose
from ash_lightning.data.synthetic.photometric import draw_targets
from ash_lightning.data.synthetic.vessels import vessel_splats

#: Class names, index = label (the order used throughout the package).
FUNDUS_CLASSES: tuple[str, ...] = ("normal", "dr", "glaucoma", "amd", "myopia")
NORMAL, DR, GLAUCOMA, AMD, MYOPIA = 0, 1, 2, 3, 4

#: Per-channel (R, G, B) intervals of the target means, and of the target ``std / mean``.
TARGET_MEAN = np.array([[75.0, 115.0], [36.0, 60.0], [18.0, 32.0]])
TARGET_STD_RATIO = (0.5, 0.62)


@dataclass(frozen=True)
class FundusScene:
    """Everything drawn at random for a chunk of fundus images (local frame unless noted).

    Attributes:
        pose: Poses of the images.
        disc: Optic disc ``(x, y, radius)`` per image, shape ``(n, 3)``.
        cup: Optic cup ``(x, y, radius)`` per image, shape ``(n, 3)``.
        macula: Macula ``(x, y, sigma, depth)`` per image, shape ``(n, 4)``.
        tilt: Illumination gradient along pixel x and y, shape ``(n, 2)``.
        noise_level: Pixel noise standard deviation, shape ``(n,)``.
        target_mean: Target channel means, shape ``(n, 3)``.
        target_std: Target channel standard deviations, shape ``(n, 3)``.
        dark: Darkening splats (vessels, haemorrhages, tessellation), pixel frame.
        bright: Yellow splats (drusen, myopic crescent), pixel frame.
    """

    pose: Pose
    disc: np.ndarray
    cup: np.ndarray
    macula: np.ndarray
    tilt: np.ndarray
    noise_level: np.ndarray
    target_mean: np.ndarray
    target_std: np.ndarray
    dark: Splats
    bright: Splats


def draw_fundus_scene(rng: np.random.Generator, present: np.ndarray) -> FundusScene:
    """Draws the anatomy, lesions and nuisances of a chunk of fundus images.

    The same numbers are drawn whatever the labels (lesions of absent diseases get zero
    amplitude), so every nuisance is independent of the labels.

    Args:
        rng: Random generator.
        present: Whether each image has each label, boolean of shape ``(n, 5)`` in the order
            of `FUNDUS_CLASSES`; one ``True`` per row for single-label images, any number of
            diseases for multi-label ones. The ``normal`` column is not read.

    Returns:
        The scene of each image.
    """
    n = len(present)
    pose = draw_pose(
        rng, n, max_angle_deg=12.0, max_shift=0.05, scale_range=(0.92, 1.06), allow_mirror=True
    )
    disc = np.stack(
        [
            0.4 + rng.uniform(-0.03, 0.03, n),
            rng.uniform(-0.04, 0.04, n),
            rng.uniform(0.12, 0.15, n),
        ],
        axis=1,
    )
    macula = np.stack(
        [
            disc[:, 0] - rng.uniform(0.48, 0.56, n),
            disc[:, 1] + rng.uniform(0.0, 0.08, n),
            rng.uniform(0.08, 0.11, n),
            rng.uniform(0.25, 0.4, n),
        ],
        axis=1,
    )
    cup_ratio = cup_to_disc_ratio(rng, present[:, GLAUCOMA])
    cup_shift = rng.uniform(0.0, 0.3, n) * disc[:, 2] * (1.0 - cup_ratio)
    cup = np.stack([disc[:, 0] - cup_shift, disc[:, 1], cup_ratio * disc[:, 2]], axis=1)
    tilt = rng.uniform(-0.15, 0.15, (n, 2))
    noise_level = rng.uniform(0.01, 0.035, n)
    target_mean, target_std = draw_targets(rng, n, TARGET_MEAN, TARGET_STD_RATIO)
    dark = concat_splats(
        [
            vessel_splats(rng, disc[:, 0], disc[:, 1], 0.45 * disc[:, 2], pose),
            haemorrhage_splats(rng, present[:, DR], macula[:, 0], macula[:, 1], pose),
            tessellation_splats(rng, present[:, MYOPIA], disc[:, 0], disc[:, 1], pose),
        ]
    )
    bright = concat_splats(
        [
            drusen_splats(rng, present[:, AMD], macula[:, 0], macula[:, 1], pose),
            crescent_splats(rng, present[:, MYOPIA], disc[:, 0], disc[:, 1], disc[:, 2], pose),
        ]
    )
    return FundusScene(
        pose=pose,
        disc=disc,
        cup=cup,
        macula=macula,
        tilt=tilt,
        noise_level=noise_level,
        target_mean=target_mean,
        target_std=target_std,
        dark=dark,
        bright=bright,
    )
