"""The graded posterior subcapsular opacity of the synthetic AS-OCT images.

In ASOCT-Cataract, Fang et al. (BIBM 2020) choose images graded by the turbidity of the
*subcapsular* region because it "is smaller than the others" (cortex, nucleus), making the
grade a property of a small salient region. Here that region is a bright plaque hugging the
inside of the posterior lens capsule; its width, thickness and brightness grow with the grade
and it is absent at grade 0. At grade 4 it covers about 1 % of the image.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.data.synthetic.drawing import Splats
from ash_lightning.data.synthetic.geometry import Pose

#: Per grade: splat sigma, plaque half-width, peak brightness (local-frame units).
GRADE_OPACITY = np.array(
    [
        [0.020, 0.00, 0.00],
        [0.024, 0.03, 0.90],
        [0.028, 0.07, 1.10],
        [0.033, 0.11, 1.30],
        [0.038, 0.15, 1.50],
    ]
)

#: Gaussian splats along the capsule that make up one plaque.
SPLATS_PER_PLAQUE = 7


def opacity_splats(
    rng: np.random.Generator,
    grades: np.ndarray,
    pose: Pose,
    lens_cy: np.ndarray,
    lens_a: np.ndarray,
    lens_b: np.ndarray,
) -> Splats:
    """Draws the subcapsular plaque of each image as a row of splats inside the capsule.

    Args:
        rng: Random generator (the same draws are made whatever the grades).
        grades: Grades in ``0..4``, shape ``(n,)``.
        pose: Poses of the images.
        lens_cy: Local y of the lens centre, shape ``(n,)``.
        lens_a: Lens semi-axis along x, shape ``(n,)``.
        lens_b: Lens semi-axis along y, shape ``(n,)``.

    Returns:
        ``SPLATS_PER_PLAQUE`` splats per image, in the pixel frame.
    """
    n = grades.size
    params = GRADE_OPACITY[grades]
    sigma = params[:, 0] * rng.uniform(0.88, 1.12, n)
    half = params[:, 1] * rng.uniform(0.85, 1.15, n)
    peak = params[:, 2] * rng.uniform(0.9, 1.1, n)
    centre = rng.uniform(-0.07, 0.07, n)
    offsets = np.linspace(-1.0, 1.0, SPLATS_PER_PLAQUE)[None, :] * half[:, None]
    x = centre[:, None] + offsets
    rim = lens_cy[:, None] + lens_b[:, None] * np.sqrt(
        np.clip(1.0 - (x / lens_a[:, None]) ** 2, 0.0, 1.0)
    )
    y = rim - 1.3 * sigma[:, None]
    overlap = np.exp(-0.5 * (offsets / sigma[:, None]) ** 2).sum(axis=1)
    amplitude = np.repeat((peak / overlap)[:, None], SPLATS_PER_PLAQUE, axis=1)
    px, py = pose.to_pixel(x, y)
    sigma_px = np.repeat((sigma * pose.scale)[:, None], SPLATS_PER_PLAQUE, axis=1)
    return Splats(x=px, y=py, sigma=sigma_px, amplitude=amplitude)
