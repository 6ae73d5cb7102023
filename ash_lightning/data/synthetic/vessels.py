"""Retinal vessel trees for the synthetic fundus images, traced as chains of Gaussian beads.

The vessels are label-independent anatomy: fundus classes share the overall appearance (disc,
vessels, macula) and differ by small lesions. Each vessel leaves the optic disc with a random
heading, curvature and wiggle; its path is integrated with a cumulative sum over a fixed number
of beads, for all images and vessels at once. Beads are spaced at most about three blurred
widths apart, so their sum is a nearly smooth line of the requested depth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ash_lightning.data.synthetic.drawing import Splats, concat_splats
from ash_lightning.data.synthetic.geometry import Pose

#: Vessels leaving the disc centre, for a disc on the right of the local frame (macula on
#: the left). Columns: heading (deg, y down), total turn (deg), length, start sigma, end
#: sigma, beads; the rows of one table share the bead count.
ARCADES = np.array(
    [
        [-100.0, -85.0, 1.05, 0.017, 0.009, 40],
        [100.0, 85.0, 1.05, 0.017, 0.009, 40],
    ]
)
NASAL = np.array(
    [
        [-55.0, 30.0, 0.62, 0.013, 0.009, 24],
        [55.0, -30.0, 0.62, 0.013, 0.009, 24],
    ]
)

#: One branch per arcade (same row order), toward the periphery. Columns: side of the
#: heading change (+1 toward larger angles), total turn (deg), length, sigmas, beads.
BRANCHES = np.array(
    [
        [1.0, -20.0, 0.45, 0.011, 0.008, 16],
        [-1.0, 20.0, 0.45, 0.011, 0.008, 16],
    ]
)

_SQRT_2PI = np.sqrt(2.0 * np.pi)


@dataclass(frozen=True)
class _Path:
    """Beads of ``v`` vessels per image, each array of shape ``(n, v, beads)`` (local frame).

    Attributes:
        x: Bead x coordinates.
        y: Bead y coordinates.
        angle: Local heading at each bead, in radians.
        sigma: Bead widths.
        step: Bead spacing per vessel, shape ``(n, v)``.
    """

    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray
    sigma: np.ndarray
    step: np.ndarray


def _trace(
    rng: np.random.Generator,
    start_x: np.ndarray,
    start_y: np.ndarray,
    heading: np.ndarray,
    table: np.ndarray,
) -> _Path:
    """Integrates wiggly vessel paths of one bead count, jittering their shape.

    Args:
        rng: Random generator.
        start_x: Start x per image and vessel, shape ``(n, v)``.
        start_y: Start y per image and vessel, shape ``(n, v)``.
        heading: Initial heading in radians, shape ``(n, v)``.
        table: Rows ``(turn deg, length, start sigma, end sigma, beads)``, shape ``(v, 5)``.

    Returns:
        The beads of the ``v`` vessels.
    """
    n, v = heading.shape
    beads = int(table[0, 4])
    fraction = (np.arange(beads) + 0.5) / beads
    turn = np.deg2rad(table[:, 0]) * rng.uniform(0.8, 1.2, (n, v))
    length = table[:, 1] * rng.uniform(0.85, 1.1, (n, v))
    wiggle = np.deg2rad(rng.uniform(2.0, 7.0, (n, v)))
    cycles = rng.uniform(1.0, 3.0, (n, v))
    phase = rng.uniform(0.0, 2.0 * np.pi, (n, v))
    width = rng.uniform(0.85, 1.15, (n, v))
    wave = np.sin(2.0 * np.pi * cycles[..., None] * fraction + phase[..., None])
    angle = heading[..., None] + turn[..., None] * fraction + wiggle[..., None] * wave
    step = length / beads
    x = start_x[..., None] + np.cumsum(step[..., None] * np.cos(angle), axis=2)
    y = start_y[..., None] + np.cumsum(step[..., None] * np.sin(angle), axis=2)
    sigma = table[:, 2, None] + (table[:, 3, None] - table[:, 2, None]) * fraction
    return _Path(x=x, y=y, angle=angle, sigma=sigma * width[..., None], step=step)


def _beads(path: _Path, depth: np.ndarray, pose: Pose) -> Splats:
    """Flattens bead chains to pixel-frame splats whose sum is a line ``depth`` deep.

    Args:
        path: The bead chains.
        depth: Line depth per vessel, shape ``(n, v)``.
        pose: Poses of the images.

    Returns:
        ``v * beads`` splats per image.
    """
    n = path.x.shape[0]
    amplitude = np.minimum(
        depth[..., None] * path.step[..., None] / (_SQRT_2PI * path.sigma), depth[..., None]
    )
    px, py = pose.to_pixel(path.x.reshape(n, -1), path.y.reshape(n, -1))
    return Splats(
        x=px,
        y=py,
        sigma=path.sigma.reshape(n, -1) * pose.scale[:, None],
        amplitude=amplitude.reshape(n, -1),
    )


def _trunks(
    rng: np.random.Generator,
    disc_x: np.ndarray,
    disc_y: np.ndarray,
    start_radius: np.ndarray,
    table: np.ndarray,
) -> _Path:
    """Traces the vessels of one table, starting ``start_radius`` away from the disc centre."""
    n, v = disc_x.size, table.shape[0]
    heading = np.deg2rad(table[:, 0] + rng.uniform(-12.0, 12.0, (n, v)))
    start_x = disc_x[:, None] + start_radius[:, None] * np.cos(heading)
    start_y = disc_y[:, None] + start_radius[:, None] * np.sin(heading)
    return _trace(rng, start_x, start_y, heading, table[:, 1:])


def _branches(rng: np.random.Generator, arcades: _Path) -> _Path:
    """Traces one branch per arcade, leaving it 30-55 % along its length."""
    n, v, beads = arcades.x.shape
    at = rng.integers(int(0.3 * beads), int(0.55 * beads), (n, v, 1))

    def take(values: np.ndarray) -> np.ndarray:
        return np.take_along_axis(values, at, axis=2)[..., 0]

    spread = np.deg2rad(rng.uniform(35.0, 60.0, (n, v)))
    heading = take(arcades.angle) + BRANCHES[:, 0] * spread
    return _trace(rng, take(arcades.x), take(arcades.y), heading, BRANCHES[:, 1:])


def vessel_splats(
    rng: np.random.Generator,
    disc_x: np.ndarray,
    disc_y: np.ndarray,
    start_radius: np.ndarray,
    pose: Pose,
) -> Splats:
    """Draws a vessel tree per image: two arcades, two nasal vessels and two branches.

    Args:
        rng: Random generator.
        disc_x: Optic-disc centre x in the local frame, shape ``(n,)``.
        disc_y: Optic-disc centre y in the local frame, shape ``(n,)``.
        start_radius: Distance from the disc centre where the trunks start, shape ``(n,)``.
        pose: Poses of the images.

    Returns:
        The beads of all vessels as pixel-frame splats; each line is at most 0.8 deep.
    """
    arcades = _trunks(rng, disc_x, disc_y, start_radius, ARCADES)
    paths = [
        arcades,
        _trunks(rng, disc_x, disc_y, start_radius, NASAL),
        _branches(rng, arcades),
    ]
    return concat_splats(
        [_beads(path, rng.uniform(0.45, 0.8, path.step.shape), pose) for path in paths]
    )
