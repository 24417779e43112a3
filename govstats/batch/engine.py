"""Running one notebook with papermill, bounded in time and in output.

`--timeout` bounds how long a notebook runs, not how much it prints: a cell printing 100 KB lines
for 20 s filled the batch process with 5 GB of outputs and wrote a 1 GB notebook. nbclient and
papermill have no limit on output, so the batch runs papermill with its own engine, whose client
counts what the kernel sends back (stream text, displayed data, tracebacks) and, past the limit,
stops collecting and kills the kernel: the agency fails with `OutputLimitError`, its notebook
keeps the outputs up to the limit and a last line saying why it ends there.

A Python kernel also bounds its own printing (`KERNEL_BOUND`, run silently before the first cell):
ipykernel sends all that was printed in 0.2 s as one message, hundreds of megabytes from a fast
loop, which the batch would have to read whole before it could count it.
"""
from __future__ import annotations

import asyncio
import functools
import signal
import time
from pathlib import Path
from typing import Any

from ..schema.messages import message
from .plan import FIGURES

MB = 1_000_000
ENGINE = "govstats"
#: run in a Python kernel before the first cell: its stream messages (printed text) carry
#: `limit` characters in all (at least as many bytes) and then stop, so that no message outgrows
#: the limit. It wraps the session's `send` (used from ipykernel's I/O thread), not the streams'
#: `write`, which IPython replaces and restores around every cell.
KERNEL_BOUND = """\
def _govstats_bound_output(limit):
    import sys

    session = getattr(sys.stdout, "session", None)
    if session is None:           # not ipykernel: the batch's own count still holds
        return
    send, left = session.send, [limit]

    def bounded(stream, msg, *args, **kwargs):
        if isinstance(msg, dict) and msg.get("msg_type") == "stream":
            if left[0] <= 0:
                return None
            text = msg["content"]["text"]
            msg["content"]["text"] = text[:left[0]]
            left[0] -= len(text)
        return send(stream, msg, *args, **kwargs)

    session.send = bounded
"""

#: run in a Python kernel before the first cell: no progress bar on a report page
QUIET_BARS = "import os as _os\n_os.environ['GOVSTATS_PROGRESS'] = '0'\ndel _os\n"


class OutputLimitError(RuntimeError):
    """A notebook sent more output than the batch's `max_output_mb`; its kernel was stopped."""


def run_notebook(notebook: Path, folder: Path, parameters: dict[str, Any], deadline: float,
                 max_output_mb: float) -> None:
    """Execute `notebook` with papermill into `folder/report.ipynb`, its kernel working in `folder`.

    The kernel's working directory is set through nbclient's resources rather than papermill's
    `cwd`, which changes the whole process's directory (unsafe with threads). The per-notebook
    deadline is enforced through nbclient's `timeout_func`: each cell gets the time that is left.
    The outputs of all cells together may reach `max_output_mb` megabytes (0: no limit).
    """
    import papermill

    _register_engine()
    (folder / FIGURES).mkdir()
    papermill.execute_notebook(
        str(notebook), str(folder / "report.ipynb"), parameters=parameters, engine_name=ENGINE,
        progress_bar=False, log_output=False,
        kernel_manager_class=_quiet_kernel_manager(), shutdown_kernel="immediate",
        resources={"metadata": {"path": str(folder)}}, max_output_mb=max_output_mb,
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic()) + 1))


def output_size(value: Any) -> int:
    """Bytes of the text in a message's content (UTF-8), counted through dicts and lists."""
    if isinstance(value, str):
        return len(value.encode("utf-8", "replace"))
    if isinstance(value, dict):
        return sum(output_size(k) + output_size(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return sum(output_size(v) for v in value)
    return 8


@functools.cache
def _register_engine() -> None:
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    client_class = _bounded_client()

    class BoundedEngine(NBClientEngine):
        """papermill's nbclient engine with the bounded client (the same arguments otherwise)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, **kwargs: Any) -> Any:
            kwargs.pop("input_path", None)
            return client_class(nb_man, kernel_name=kernel_name, startup_timeout=start_timeout,
                                log=logger, log_output=log_output, stdout_file=stdout_file,
                                stderr_file=stderr_file, **kwargs).execute()

    papermill_engines.register(ENGINE, BoundedEngine)


@functools.cache
def _bounded_client() -> type:
    """papermill's notebook client, counting the output it collects against `max_output_mb`."""
    from nbclient.exceptions import CellExecutionComplete
    from nbclient.util import ensure_async, run_sync
    from nbformat.v4 import new_output
    from papermill.clientwrap import PapermillNotebookClient
    from traitlets import Float

    class BoundedClient(PapermillNotebookClient):
        max_output_mb = Float(0.0, help="megabytes of output for the whole notebook (0: no limit)")

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.output_bytes = 0
            self.stopped: str | None = None
            self._kill: asyncio.Future[Any] | None = None

        async def async_start_new_kernel_client(self) -> Any:
            kc = await super().async_start_new_kernel_client()
            if getattr(self.km.kernel_spec, "language", "") == "python":
                code = QUIET_BARS
                if self.max_output_mb:
                    limit = int(self.max_output_mb * MB) + 1
                    code += f"{KERNEL_BOUND}\n_govstats_bound_output({limit})\ndel _govstats_bound_output\n"
                await self.async_wait_for_reply(await ensure_async(
                    kc.execute(code, silent=True, store_history=False)))
            return kc

        start_new_kernel_client = run_sync(async_start_new_kernel_client)

        def process_message(self, msg: dict[str, Any], cell: Any, cell_index: int) -> Any:
            if msg["msg_type"] in ("status", "execute_input"):
                return super().process_message(msg, cell, cell_index)
            size, left = output_size(msg["content"]), self.max_output_mb * MB - self.output_bytes
            if self.max_output_mb and size > left:
                if msg["msg_type"] == "stream" and left > 0:   # keep the text up to the limit
                    text = msg["content"]["text"].encode("utf-8", "replace")[:int(left)]
                    msg["content"]["text"] = text.decode("utf-8", "ignore")
                    super().process_message(msg, cell, cell_index)
                self._stop(cell)
                raise CellExecutionComplete()
            self.output_bytes += size
            return super().process_message(msg, cell, cell_index)

        def _stop(self, cell: Any) -> None:
            """Note why the outputs end here, and kill the kernel (nbclient then sees it dead)."""
            self.stopped = message("output_exceeded", mb=f"{self.max_output_mb:g}",
                                   cell=cell.get("execution_count") or "?")
            cell.outputs.append(new_output("stream", name="stderr",
                                           text=f"[govstats] {self.stopped}\n"))
            self._kill = asyncio.ensure_future(ensure_async(self.km.signal_kernel(signal.SIGKILL)))

        async def async_execute_cell(self, *args: Any, **kwargs: Any) -> Any:
            try:
                cell = await super().async_execute_cell(*args, **kwargs)
            except Exception:
                if not self.stopped:
                    raise
            if self.stopped:          # whatever followed the kill (a dead kernel) came from it
                await self._kill
                raise OutputLimitError(self.stopped)
            return cell

        execute_cell = run_sync(async_execute_cell)

    return BoundedClient


@functools.cache
def _quiet_kernel_manager() -> type:
    """A kernel manager with transport encryption on, which keeps ipykernel ≥ 7.3 from printing
    "Kernel is running over TCP without encryption" on every start (tooling notes §1)."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport_encryption", "auto")
            super().__init__(**kwargs)

    return QuietKernelManager
