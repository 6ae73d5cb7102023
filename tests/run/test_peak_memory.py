"""peak_memory_mb() follows a block of memory that raises the peak, in MiB."""

import json
import subprocess
import sys

import pytest

# Runs in a fresh interpreter, whose peak is just its imports: a block larger than that peak
# must raise the peak by about its own size.
MEASURE = """
import json, sys
import numpy as np
from ash_lightning.run.peak_memory import peak_memory_mb

def high_water_mark_mb():
    if not sys.platform.startswith("linux"):
        return None
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

before = peak_memory_mb()["peak_rss_mb"]
hwm_before = high_water_mark_mb()
block_mb = int(before) + 256
block = np.ones(block_mb * 2**20 // 8)  # every page written
after = peak_memory_mb()["peak_rss_mb"]
hwm_after = high_water_mark_mb()
del block
after_free = peak_memory_mb()["peak_rss_mb"]
print(json.dumps({
    "before": before, "after": after, "after_free": after_free, "block_mb": block_mb,
    "hwm_before": hwm_before, "hwm_after": hwm_after,
}))
"""


# Starts MEASURE from a parent holding PARENT_MB MiB: a child's own peak must not include
# memory its parent had before the child started (getrusage's ru_maxrss survives exec).
LAUNCH = """
import subprocess, sys
import numpy as np
ballast = np.ones(int(sys.argv[1]) * 2**20 // 8)
result = subprocess.run([sys.executable, "-c", sys.argv[2]], capture_output=True, text=True)
sys.stdout.write(result.stdout)
sys.stderr.write(result.stderr)
sys.exit(result.returncode)
"""


@pytest.fixture(scope="module", params=[512], ids=lambda mb: f"parent_{mb}MiB")
def measured(request):
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(request.param), MEASURE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_block_larger_than_the_peak_raises_it_by_the_block_size_in_mib(measured):
    increase = measured["after"] - measured["before"]
    assert measured["block_mb"] > measured["before"] > 10
    assert increase == pytest.approx(measured["block_mb"], rel=0.05), measured


def test_the_peak_stays_up_when_the_block_is_freed(measured):
    # Within 1 MiB: Linux syncs its per-thread RSS counters lazily, so VmHWM can dip a little.
    assert measured["after_free"] >= measured["after"] - 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_the_peak_agrees_with_the_kernels_high_water_mark(measured):
    assert measured["before"] == pytest.approx(measured["hwm_before"], abs=4)
    assert measured["after"] == pytest.approx(measured["hwm_after"], abs=4)
