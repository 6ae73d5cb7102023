"""Per-image pose nuisance: rotation, scale, position jitter and mirroring.

Ophthalmic images of different grades or classes share the overall appearance and differ only
in salient regions; the synthetic generators therefore vary the pose of the whole anatomy
independently of the label. Each image is drawn in its own *local* frame (anatomy at fixed
nominal places) that a `Pose` maps onto the pixel frame, whose coordinates run over [-1, 1] on
both axes (x right, y down).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pose:
    """Similarity transforms from the local anatomical frame to the pixel frame, one per image.

    A local point ``q`` lands at ``shift + scale * R(angle) @ diag(mirror, 1) @ q``.

    Attributes:
        angle: Rotation in radians, shape ``(n,)``.
        scale: Isotropic scale factor, shape ``(n,)``.
        shift_x: Horizontal translation in pixel-frame units, shape ``(n,)``.
        shift_y: Vertical translation in pixel-frame units, shape ``(n,)``.
        mirror: ``+1`` or ``-1`` (left/right flip of the local frame), shape ``(n,)``.
    """

    angle: np.ndarray
    scale: np.ndarray
    shift_x: np.ndarray
    shift_y: np.ndarray
    mirror: np.ndarray

    def to_pixel(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Maps local points to the pixel frame.

        Args:
            x: Local x coordinates, shape ``(n,)`` or ``(n, k)``.
            y: Local y coordinates, same shape as ``x``.

        Returns:
            The pixel-frame ``(x, y)`` coordinates, float32, same shape as the inputs.
        """
        extra = (slice(None),) + (None,) * (np.ndim(x) - 1)
        cos = (np.cos(self.angle) * self.scale)[extra]
        sin = (np.sin(self.angle) * self.scale)[extra]
        xm = x * self.mirror[extra]
        px = self.shift_x[extra] + cos * xm - sin * y
        py = self.shift_y[extra] + sin * xm + cos * y
        return px.astype(np.float32), py.astype(np.float32)

    def local_grid(
        self, axis: np.ndarray, out_x: np.ndarray, out_y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Local coordinates of every pixel centre (the inverse map, evaluated on the grid).

        Each output costs one broadcast pass over ``(n, S, S)``.

        Args:
            axis: Pixel-centre coordinates along one axis, shape ``(S,)``.
            out_x: Output for the local x coordinates, shape ``(n, S, S)``.
            out_y: Output for the local y coordinates, shape ``(n, S, S)``.

        Returns:
            ``(out_x, out_y)``.
        """
        inv = (1.0 / self.scale)[:, None]
        du = (axis[None, :] - self.shift_x[:, None]) * inv
        dv = (axis[None, :] - self.shift_y[:, None]) * inv
        cos = np.cos(self.angle)[:, None]
        sin = np.sin(self.angle)[:, None]
        mirror = self.mirror[:, None]
        across_x = (mirror * cos * du).astype(np.float32)[:, None, :]
        down_x = (mirror * sin * dv).astype(np.float32)[:, :, None]
        across_y = (-sin * du).astype(np.float32)[:, None, :]
        down_y = (cos * dv).astype(np.float32)[:, :, None]
        np.add(across_x, down_x, out=out_x)
        np.add(across_y, down_y, out=out_y)
        return out_x, out_y


def draw_pose(
    rng: np.random.Generator,
    n: int,
    max_angle_deg: float,
    max_shift: float,
    scale_range: tuple[float, float],
    allow_mirror: bool,
) -> Pose:
    """Draws label-independent poses.

    Args:
        rng: Random generator.
        n: Number of images.
        max_angle_deg: Rotation drawn uniformly in ``[-max_angle_deg, max_angle_deg]``.
        max_shift: Translation drawn uniformly in ``[-max_shift, max_shift]`` on each axis.
        scale_range: Scale drawn uniformly in this interval.
        allow_mirror: Whether half of the images are mirrored left/right (e.g. left and
            right eyes in fundus photography).

    Returns:
        The poses of the ``n`` images.
    """
    angle = np.deg2rad(rng.uniform(-max_angle_deg, max_angle_deg, n))
    scale = rng.uniform(scale_range[0], scale_range[1], n)
    shift_x = rng.uniform(-max_shift, max_shift, n)
    shift_y = rng.uniform(-max_shift, max_shift, n)
    flips = rng.random(n) < 0.5
    mirror = np.where(flips & allow_mirror, -1.0, 1.0)
    return Pose(angle=angle, scale=scale, shift_x=shift_x, shift_y=shift_y, mirror=mirror)
