"""Starting a child process safely from the command line and from the app's server alike.

Used by the file check (`ingest/bounded.py`, a child bounded in time and memory). No Streamlit here."""
from __future__ import annotations

import io
import multiprocessing
import os
import threading
from multiprocessing import context, forkserver, popen_forkserver, reduction, spawn, util

_CONTEXT = multiprocessing.get_context("forkserver")
_FORK = multiprocessing.get_context("fork")
# Imported once by the fork server, so each child it starts has them already.
_PRELOAD = ["qa_dashboard.ingest", "qa_dashboard.ingest.dfe", "qa_dashboard.ingest.annex_a"]
_preload_lock = threading.Lock()
_preloaded = False


class _ForkServerPopen(popen_forkserver.Popen):
    """The fork server's way of starting a child, minus one step: it does not send the parent's
    main script to be run again in the child. The children never need it, and a main script
    without a `__main__` guard (Streamlit's AppTest runs pages so) would run there again.
    The rest is the standard library's `_launch` (Python 3.11)."""

    def _launch(self, process_obj):
        prep_data = {key: value for key, value in spawn.get_preparation_data(process_obj._name).items()
                     if key not in ("init_main_from_path", "init_main_from_name")}
        buf = io.BytesIO()
        context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _ForkServerProcess(context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _ForkServerPopen(process_obj)


def _start_fork_server() -> None:
    global _preloaded
    with _preload_lock:
        if not _preloaded:
            _CONTEXT.set_forkserver_preload(_PRELOAD)
            _preloaded = True


def process_class():
    """A plain fork when this process runs one thread (the command line): it costs milliseconds and
    imports nothing again. Otherwise (the app's server, whose other threads may hold locks a forked
    child would inherit) a child of the fork server, which imported the checker once."""
    if threading.active_count() == 1:
        return _FORK.Process
    _start_fork_server()
    return _ForkServerProcess
