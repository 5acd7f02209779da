"""The Dask backend of ``irtag run --backend dask``: the per-document work on Dask distributed.

Only the per-file work runs on the cluster (read, segment, tag, and the file's result written
to ``OUT/cache``); the process that runs ``irtag run`` gathers the results in input order and
writes every corpus output, so the bytes are those of a local run. Inputs and OUT must be at
the same paths on every worker (a shared filesystem), and the workers need irtag, its models
and lexicons at the paths of the run's config.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from pipeline.errors import Errors, IrtagError


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator["object"]:
    """A client of the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or of a local cluster of
    ``workers`` single-threaded processes on loopback when none is given."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise IrtagError(Errors.E131.format(reason=exc)) from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise IrtagError(Errors.E132.format(scheduler=scheduler, reason=exc)) from exc
        with client:
            yield client
        return
    with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def dask_threads(client: "object") -> int:
    """Threads of the cluster's workers: how many files it runs at once (0 when it has none yet)."""
    return sum(client.nthreads().values())
