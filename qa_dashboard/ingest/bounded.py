"""Checking a file in a child process, bounded in time and memory.

Reading, recognising, normalising and validating one file (`check_file`, which writes nothing)
runs in a child process (see `child_process.process_class` for which kind), so that no file, however it was made, can
hold the app: the child gets `CHECK_SECONDS` of wall-clock time (a setting:
`$QA_DASHBOARD_CHECK_SECONDS`, default 20) and is killed when they run out; its address space
is capped so that it can never hold more than `CHECK_MEMORY_BYTES` (1 GiB) resident; and its CPU
time is capped a little above the wall-clock limit, so it ends itself even if this process is
gone. Meanwhile the calling thread only waits on a pipe, so the server keeps answering every
other reader, and SIGTERM stops the server as usual (the child is a daemon, and is killed when
the process that started it ends).

The child sends back the whole `FileCheck` (problems, counts and the normalised records the
load needs). Measured on the large authority's workbook: pickling and unpickling its records
costs about 6% of checking it, where reading it again in the parent would cost 100%.
"""
from __future__ import annotations

import faulthandler
import gc
import logging
import multiprocessing
import os
import resource
import signal
import time
import traceback

from qa_dashboard import child_process
from qa_dashboard.ingest import read

CHECK_SECONDS_ENV = "QA_DASHBOARD_CHECK_SECONDS"
CHECK_MEMORY_BYTES = 2**30
_PR_SET_PDEATHSIG = 1
_log = logging.getLogger(__name__)
last_peak_bytes: int | None = None  # the latest child's peak resident memory, for tests and benchmarks


def check_seconds() -> float:
    """The wall-clock limit for checking one file: the setting, else 20 seconds (0 refuses every file)."""
    try:
        return max(float(os.environ.get(CHECK_SECONDS_ENV, "")), 0.0)
    except ValueError:
        return 20.0


def _resident_and_mapped() -> tuple[int, int]:
    values = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                name, _, rest = line.partition(":")
                if name in ("VmRSS", "VmSize"):
                    values[name] = int(rest.split()[0]) * 1024
    except OSError:
        pass  # not Linux: no address-space cap, the time limits still hold
    return values.get("VmRSS", 0), values.get("VmSize", 0)


def _limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this (child) process: any new memory comes out of what is left of `memory_bytes`."""
    resident, mapped = _resident_and_mapped()
    if mapped:
        allowed = mapped + max(memory_bytes - resident, 0)
        resource.setrlimit(resource.RLIMIT_AS, (allowed, allowed))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


class Refused(Exception):
    """The check broke a bound; the message is the sentence for the officer."""


def _die_with_parent() -> None:
    """Linux: SIGKILL this child when the process that started it ends (a SIGTERM'd command line,
    or the fork server when the app stops), so no check outlives the app."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # elsewhere the CPU limit still ends it


def _child(connection, function, args: tuple, limits: dict, memory_bytes: int, cpu_seconds: int) -> None:
    _die_with_parent()
    faulthandler.disable()  # a native abort under the memory cap is expected, not a crash to dump
    # The cyclic garbage collector off: checking makes millions of short-lived cells and tuples,
    # and its passes over them cost a fifth of the check (0.5 s of 2.2 s on the large authority).
    # Reference counting still frees them; the child ends when the check does, and its memory is
    # capped whatever happens.
    gc.disable()
    for name, value in limits.items():
        setattr(read, name, value)  # the caller's caps (tests lower them)
    try:
        _limit_self(memory_bytes, cpu_seconds)
        outcome = ("checked", function(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as error:  # noqa: BLE001 - any failure becomes a sentence, never a traceback
        # Logged without the exception's message, which may quote a cell.
        _log.error("checking a file failed with %s:\n%s", type(error).__name__,
                   "".join(traceback.format_tb(error.__traceback__)))
        outcome = ("failed", type(error).__name__)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        connection.send((*outcome, peak))
    except MemoryError:
        connection.send(("memory", None, peak))
    finally:
        connection.close()


def call(function, args: tuple, *, seconds: float | None = None):
    """`function(*args)` in a bounded child process; raises Refused with a sentence when it breaks a bound.

    `function` and its arguments and result travel by pickle, so it must be a module-level function."""
    global last_peak_bytes
    seconds = check_seconds() if seconds is None else seconds
    receiving, sending = multiprocessing.Pipe(duplex=False)
    limits = {name: getattr(read, name) for name in read.LIMIT_NAMES}
    child = child_process.process_class()(target=_child, daemon=True, name="qa-dashboard file check",
                            args=(sending, function, args, limits, CHECK_MEMORY_BYTES, int(seconds) + 10))
    # The clock starts before the child does: on a busy server starting it (a fork, or the fork
    # server's first start) can take seconds, and they count against the bound.
    deadline = time.monotonic() + seconds
    child.start()
    sending.close()
    try:
        left = deadline - time.monotonic()
        outcome = receiving.recv() if left > 0 and receiving.poll(left) else ("time", None, None)
    except EOFError:  # the child died without a word: see _died
        outcome = ("died", None, None)
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
    kind, value, last_peak_bytes = outcome
    if kind == "died":
        kind, value = _died(child.exitcode)
    if kind != "checked":
        raise Refused(_sentence(kind, value, seconds))
    return value


def _died(exit_code: int | None) -> tuple[str, str]:
    """A native library aborts (SIGABRT) when an allocation fails under the memory cap; the CPU cap
    sends SIGXCPU."""
    if exit_code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
        return "memory", ""
    if exit_code == -signal.SIGXCPU:
        return "time", ""
    return "failed", f"the checking process ended with code {exit_code}"


def _sentence(kind: str, detail: str | None, seconds: float) -> str:
    if kind == "time":
        return (f"The file could not be checked within {seconds:g} seconds, so it was refused. Save it again from Excel "
                "(File > Save As > Excel Workbook) or split it, and upload the new file.")
    if kind == "memory":
        return (f"Checking the file needed more than the {CHECK_MEMORY_BYTES // 2**20:,} MB of memory allowed, so it was refused. "
                "Delete unused rows, columns and sheets, or split it, and upload again.")
    return (f"The file could not be checked ({detail}), so it was refused. Save it again from Excel as .xlsx or CSV "
            "and upload the new file.")
