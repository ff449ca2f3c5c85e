"""CPU-bound pure-Python work for the multiprocessing, Dask and Ray tests and benchmarks: a
module of the user's own, importable by worker processes through sys.path."""

import os
import sys


def count_primes(n):
    """The number of primes below `n`, by trial division: pure Python, CPU-bound."""
    count = 0
    for k in range(2, n):
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def identity(_=None):
    """Who runs this: the worker's interpreter and process."""
    return {"executable": sys.executable, "prefix": sys.prefix, "pid": os.getpid()}


def die(_=None):
    """Kills the worker process running it, as the OOM killer or a crash would."""
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def slow(seconds):
    """Sleeps, for cancellation and timeout tests."""
    import time

    time.sleep(seconds)
    return seconds


class Counter:
    """State for an actor."""

    def __init__(self, start=0):
        self.value = start

    def add(self, n):
        self.value += n
        return self.value
