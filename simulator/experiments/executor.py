"""Where an experiment's tasks run: in this process, a local process pool, or a Dask cluster.

Every engine is used through the concurrent.futures interface (``submit`` returns a Future):
``ProcessPoolExecutor`` for ``--workers N``, ``distributed.Client.get_executor(pure=False)``
for ``--dask tcp://HOST:8786``. Tasks are never treated as pure (each carries its own trial
seeds, so two equal-looking tasks are still run), and Dask retries a task whose worker died
(``distributed.scheduler.allowed-failures``). Results never depend on the engine: the caller
derives every trial's seed from the experiment seed and the trial's place in the grid, and
puts results back in grid order. dask.distributed is optional (``pip install
'leadersim[cluster]'``); it is imported only when ``--dask`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any

CONNECT_TIMEOUT = 2.0
"""Seconds to wait for a Dask scheduler before giving up with a message."""


class EngineError(Exception):
    """The engine could not be started or reached; the message names the option."""


class InProcess(Executor):
    """Runs every task at once in this process (one worker: no pool, no pickling)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn(*args, **kwargs)`` now; a finished Future with its result or exception."""
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as problem:  # noqa: BLE001 - handed to the caller via the future
            future.set_exception(problem)
        return future


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N`` and ``--dask tcp://HOST:8786`` to an experiment's options."""
    parser.add_argument("--workers", type=int,
                        help="local processes to run trials in (all cores)")
    parser.add_argument("--dask", metavar="tcp://HOST:8786",
                        help="run the trials on this Dask scheduler's cluster instead "
                             "(pip install 'leadersim[cluster]')")


def check_engine_options(args: argparse.Namespace) -> None:
    """Fill in the default ``--workers``; EngineError for a conflict or a bad number."""
    if args.dask is not None and args.workers is not None:
        raise EngineError("--workers and --dask: give one (the Dask cluster has its own "
                          "workers)")
    if args.workers is None:
        args.workers = os.cpu_count() or 1
    if args.workers < 1:
        raise EngineError(f"--workers must be at least 1, got {args.workers}")
    if args.dask is not None:
        scheduler_address(args.dask)


def engine_name(workers: int, dask: str | None) -> str:
    """A short name of the engine, for the closing line of an experiment."""
    if dask:
        return f"the Dask cluster at {dask}"
    return f"{workers} worker(s)"


@contextlib.contextmanager
def open_executor(workers: int, dask: str | None = None) -> Iterator[Executor]:
    """The executor for ``--workers`` / ``--dask``; EngineError when the engine is unusable."""
    if dask:
        with _dask_executor(dask) as executor:
            yield executor
    elif workers <= 1:
        yield InProcess()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield pool


@contextlib.contextmanager
def _dask_executor(text: str) -> Iterator[Executor]:
    address = scheduler_address(text)
    try:
        from distributed import Client
    except ImportError:
        raise EngineError("--dask needs dask.distributed: pip install 'leadersim[cluster]' "
                          "(or pip install 'dask[distributed]')") from None
    client = _connect(Client, address)
    try:
        executor = client.get_executor(pure=False)
        yield executor
    finally:
        with contextlib.redirect_stderr(io.StringIO()):
            client.close()


SCHEMES = ("tcp", "tls", "ws", "wss")


def scheduler_address(text: str) -> str:
    """``text`` as a scheduler address ``SCHEME://HOST:PORT`` (tcp when no scheme is given);
    EngineError when it is not one (checked here: Dask would wait for its timeout first)."""
    scheme, sep, rest = text.strip().partition("://")
    if not sep:
        scheme, rest = "tcp", text.strip()
    host, colon, port = rest.rpartition(":")
    problem = None
    if scheme not in SCHEMES:
        problem = f"scheme {scheme!r} is not one of {', '.join(SCHEMES)}"
    elif not colon or not host or "/" in rest:
        problem = "is not an address like tcp://HOST:8786"
    elif not port.isdigit() or not 0 < int(port) < 65536:
        problem = f"port {port!r} is not a number from 1 to 65535"
    if problem:
        raise EngineError(f"--dask {text}: {problem}")
    return f"{scheme}://{host}:{int(port)}"


def _connect(client_class: Any, address: str) -> Any:
    try:
        # Dask logs its own retries to stderr; the user gets one message instead.
        with contextlib.redirect_stderr(io.StringIO()):
            return client_class(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as problem:
        reason = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        raise EngineError(f"--dask {address}: cannot reach a Dask scheduler there within "
                          f"{CONNECT_TIMEOUT:g} s ({reason})") from None


def run_tasks(
    executor: Executor,
    tasks: Sequence[tuple[Callable[..., Any], tuple[Any, ...]]],
    done: Callable[[int, Any], None],
) -> None:
    """Submit every ``(function, args)`` task; call ``done(index, result)`` as each finishes.

    The order of the calls depends on the engine; ``index`` is the task's place in ``tasks``,
    so the caller can put every result back where it belongs.
    """
    futures = {executor.submit(function, *args): index
               for index, (function, args) in enumerate(tasks)}
    for future in as_completed(futures):
        done(futures[future], future.result())
