import numpy as np

from ash_lightning.data.label_names import label_names

NAMES = ("amd", "dr", "normal")


def test_a_class_index_gives_its_name():
    assert label_names(np.array(2), NAMES) == ("normal",)


def test_a_multi_hot_row_gives_its_positive_classes_in_class_order():
    assert label_names(np.array([1, 0, 1], dtype=np.uint8), NAMES) == ("amd", "normal")
    assert label_names(np.zeros(3, dtype=np.uint8), NAMES) == ()
