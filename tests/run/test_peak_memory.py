import numpy as np

from ash_lightning.run.peak_memory import peak_memory_mb


def test_peak_resident_memory_is_in_mib_covers_a_64_mib_block_and_never_decreases():
    before = peak_memory_mb()["peak_rss_mb"]
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
    after = peak_memory_mb()["peak_rss_mb"]
    assert block.sum() > 0
    assert after >= before > 10
    assert after >= 64
