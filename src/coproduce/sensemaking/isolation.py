"""Read an uploaded file in a separate process, with a limit on its memory and its time. No Django.

A hostile file (a spreadsheet that claims 16,384 columns, a PDF whose pages take minutes, an archive
that unpacks to gigabytes) can cost whatever process reads it all its memory or time. So the web
process never reads one itself: :func:`run_isolated` reads it in a child process whose address space
is limited (``RLIMIT_AS``) and which is killed when its time is up. What comes back is plain data
(text, segments, codes, rows) for the web process to store; the child never touches the database.

Children are forked from a small server process (multiprocessing's ``forkserver``) that has the
readers already imported, so starting one is quick, and that never held the web worker's threads,
database connections or requests.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import traceback
from collections.abc import Callable
from typing import TypeVar

from .budget import CRASHED, ImportBudget, ImportProblem

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# Imported once by the fork server, so that each child starts with them loaded. "__main__" is there so
# the program that started the server (pytest, uvicorn's worker) is imported once by the server rather
# than once by every child.
PRELOAD = [
    "__main__",
    "coproduce.sensemaking.importers",
    "coproduce.sensemaking.refi",
    "coproduce.sensemaking.reading",
    "lxml.etree",
    "openpyxl",
    "pypdf",
]

_context = None


def _get_context():
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
        else:  # Windows and some other systems: a fresh interpreter for each file
            context = multiprocessing.get_context("spawn")
        _context = context
    return _context


def _address_space_in_use() -> int:
    """Bytes of address space this process holds now (0 where the system does not say)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra_bytes: int) -> None:
    """Let this process use ``extra_bytes`` more address space than it holds now, and no more."""
    limit = _address_space_in_use() + extra_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # a system that does not allow it: the time limit still holds
        pass


def _child(connection, function: Callable, args: tuple, budget: ImportBudget) -> None:
    """Runs in the child: limit memory, read, send back ("ok", result) or what went wrong."""
    _limit_memory(budget.max_memory_bytes)
    try:
        message = ("ok", function(*args, budget=budget))
    except ImportProblem as problem:
        message = ("problem", problem)
    except MemoryError:
        message = ("memory", None)
    except Exception:  # a bug, or a library failing on a file it cannot read: the parent logs it
        message = ("crashed", traceback.format_exc(limit=-8))
    try:
        connection.send(message)
    except MemoryError:
        message = None
        connection.send(("memory", None))
    finally:
        connection.close()


def run_isolated(function: Callable[..., Result], *args, budget: ImportBudget) -> Result:
    """``function(*args, budget=budget)`` run in a child process within ``budget``'s memory and time
    (and the function spends the rest of the budget as it reads).

    ``function`` must be importable (a module-level function) and must not use Django or the
    database; its arguments and result are pickled across. Raises the function's own
    :class:`ImportProblem`, or an :class:`ImportLimitError` if the child ran out of memory or time,
    or an :class:`ImportProblem` saying the reader stopped if the child died any other way.
    """
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, function, args, budget),
        name="coproduce-import",
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(budget.max_seconds):
            raise budget.over_time()
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):  # the child died without a word
            process.join(5)
            if process.exitcode == -signal.SIGKILL:  # how the system's out-of-memory killer ends it
                raise budget.over_memory() from None
            logger.warning("The import reader stopped with exit code %s.", process.exitcode)
            raise ImportProblem(CRASHED) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if kind == "ok":
        return payload
    if kind == "problem":
        raise payload
    if kind == "memory":
        raise budget.over_memory()
    logger.warning("The import reader failed:\n%s", payload)
    raise ImportProblem(CRASHED)
