"""How many threads torch and Faiss use: the cores this process may run on, or ``ASH_THREADS``."""

import os

import faiss
import torch

from ash_lightning.run.config_check import ConfigError

THREADS_VARIABLE = "ASH_THREADS"


def available_cores() -> int:
    """The CPUs this process may run on (its affinity mask, not the machine's count)."""
    return len(os.sched_getaffinity(0))


def apply_thread_policy() -> int:
    """Give torch and Faiss one thread per available core, or ``$ASH_THREADS`` threads.

    Returns:
        The number of threads set.

    Raises:
        ConfigError: ``ASH_THREADS`` is set but is not a positive integer.
    """
    given = os.environ.get(THREADS_VARIABLE)
    if given is None:
        threads = available_cores()
    elif given.isdigit() and int(given) > 0:
        threads = int(given)
    else:
        raise ConfigError(f"{THREADS_VARIABLE}={given!r}: must be a positive integer")
    torch.set_num_threads(threads)
    faiss.omp_set_num_threads(threads)
    return threads
