"""Process-wide policies: passive OpenMP waiting, oneDNN capped at AVX2, threads per core."""

import os
import platform
import subprocess
import sys

import faiss
import pytest
import torch

from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.threads import apply_thread_policy


def _variable_seen_by_a_fresh_process(environment: dict[str, str], variable: str) -> str:
    code = f"import ash_lightning, os; print(os.environ.get({variable!r}))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_openmp_waits_passively_unless_the_user_chose():
    environment = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    assert _variable_seen_by_a_fresh_process(environment, "OMP_WAIT_POLICY") == "PASSIVE"
    chosen = {**environment, "OMP_WAIT_POLICY": "ACTIVE"}
    assert _variable_seen_by_a_fresh_process(chosen, "OMP_WAIT_POLICY") == "ACTIVE"


@pytest.mark.skipif(platform.machine().lower() not in {"x86_64", "amd64"}, reason="x86 only")
def test_onednn_is_capped_at_avx2_on_x86_unless_the_user_chose():
    environment = {key: value for key, value in os.environ.items() if key != "ONEDNN_MAX_CPU_ISA"}
    assert _variable_seen_by_a_fresh_process(environment, "ONEDNN_MAX_CPU_ISA") == "AVX2"
    chosen = {**environment, "ONEDNN_MAX_CPU_ISA": "AVX512_CORE"}
    assert _variable_seen_by_a_fresh_process(chosen, "ONEDNN_MAX_CPU_ISA") == "AVX512_CORE"


def test_torch_and_faiss_get_the_available_cores_or_ash_threads(monkeypatch):
    before = torch.get_num_threads(), faiss.omp_get_max_threads()
    try:
        monkeypatch.delenv("ASH_THREADS", raising=False)
        assert apply_thread_policy() == len(os.sched_getaffinity(0)) == torch.get_num_threads()
        monkeypatch.setenv("ASH_THREADS", "1")
        assert apply_thread_policy() == 1
        assert torch.get_num_threads() == 1 and faiss.omp_get_max_threads() == 1
        monkeypatch.setenv("ASH_THREADS", "two")
        with pytest.raises(ConfigError, match="ASH_THREADS='two': must be a positive integer"):
            apply_thread_policy()
    finally:
        torch.set_num_threads(before[0])
        faiss.omp_set_num_threads(before[1])
