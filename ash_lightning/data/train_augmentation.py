"""Train-time augmentation of stored uint8 images (albumentations)."""

import albumentations as A
import cv2
import numpy as np


class TrainAugmentation:
    """Random flips, small rotations and brightness/contrast jitter, seeded.

    Applied to training pairs only; evaluation images pass through unchanged, so the
    retrieval metrics are deterministic. Operates on channels-first uint8 images, as the
    datasets store them.

    Reference: Buslaev et al., "Albumentations: Fast and Flexible Image Augmentations",
    Information 2020.

    Args:
        horizontal_flip: Probability of a left-right flip.
        rotation_degrees: Largest rotation in degrees (0 disables it).
        brightness_contrast: Largest relative brightness and contrast change (0 disables it).
        seed: Seed of the augmentation's random stream.
    """

    def __init__(
        self,
        horizontal_flip: float = 0.5,
        rotation_degrees: float = 10.0,
        brightness_contrast: float = 0.1,
        seed: int = 0,
    ) -> None:
        transforms: list[A.BasicTransform] = [A.HorizontalFlip(p=horizontal_flip)]
        if rotation_degrees:
            transforms.append(
                A.Rotate(limit=rotation_degrees, border_mode=cv2.BORDER_CONSTANT, p=0.5)
            )
        if brightness_contrast:
            transforms.append(
                A.RandomBrightnessContrast(brightness_contrast, brightness_contrast, p=0.5)
            )
        self.pipeline = A.Compose(transforms, seed=seed)

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """Augment one ``C x H x W`` uint8 image."""
        augmented = self.pipeline(image=np.ascontiguousarray(image.transpose(1, 2, 0)))["image"]
        return np.ascontiguousarray(
            augmented.reshape(image.shape[1], image.shape[2], -1).transpose(2, 0, 1)
        )
