"""Pages analysed in worker processes, merged by the parent in input order.

The parent hands out steps of the batch (one image file, or up to TASK_PAGES pages of a
PDF) to N worker processes; each worker decodes and analyses its pages one at a time
(BatchReader.analyse) and sends back small results, never images. The parent keeps at most
2·N steps in flight, so memory stays bounded whatever the batch, and merges the results in
input order (BatchReader.merge): duplicates, sheets and the page list come out exactly as
when one process reads everything, and so does the progress (done, total, outcome).

Workers are started with "spawn" (a clean interpreter: no copy of the parent's threads,
database connections or locks, and it works from the web app's reading process too). They
ignore Ctrl+C (the parent decides) and stop by themselves when the parent is gone, so a
killed `formkit read` leaves no process behind. A worker that dies on a page (a native
library crash) costs the pages of its step, rejected with a reason; another worker takes
its place.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import secrets
import signal
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from formkit.catalogue import Message, say
from formkit.errors import FormkitError
from formkit.scan import load
from formkit.scan.batch import (
    REJECTED,
    STAGE_MARK,
    BatchReader,
    PageOutcome,
    PageRead,
    PlanItem,
)

log = logging.getLogger("formkit.scan")

_CTX = multiprocessing.get_context("spawn")

#: seconds between checks that the workers (in the parent) or the parent (in a worker) live
POLL_S = 0.5


def _reader_args(reader: BatchReader) -> tuple:
    return (reader.settings, reader.received, reader.unit, reader.out_dir, reader.ocr,
            set(reader.seen_pages))


def _make_reader(settings: Any, received: Any, unit: str | None, out_dir: Path | None,
                 ocr: bool, known: set[tuple]) -> BatchReader:
    from formkit.spec import load_forms
    from formkit.spec.layout import registry as layout_registry

    return BatchReader(settings, layout_registry(settings), load_forms(settings.templates_dir),
                       received, unit, out_dir, ocr, known)


def _worker(wid: int, args: tuple, tasks: Any, results: Any) -> None:
    """A worker's life: steps from `tasks`, one ("page", …) message per page, then
    ("done", …); ends on None or when the parent has gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    import cv2

    cv2.setNumThreads(1)  # one core per worker: N workers already fill N cores
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    reader = _make_reader(*args)
    parent = multiprocessing.parent_process()
    while True:
        try:
            task = tasks.get(timeout=POLL_S)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                return
            continue
        if task is None:
            return
        tid, path, start, stop = task
        results.put(("start", wid, tid))
        try:
            for pg in load.iter_pages(Path(path), start, stop):
                stage = f"{os.getpid()}-{secrets.token_hex(4)}"
                res = reader.analyse(pg, reader.seen_pages, stage=stage)
                results.put(("page", wid, tid, res))
            results.put(("done", wid, tid))
        except FormkitError as exc:  # the run cannot go on (a full disk): the parent stops
            results.put(("fatal", wid, tid, exc))
        except Exception as exc:  # the step's remaining pages are rejected with the reason
            log.info("%s: reading failed in a worker", path, exc_info=True)
            results.put(("error", wid, tid, say("page.local.internal_error", detail=repr(exc))))


class _Step:
    def __init__(self, item: PlanItem):
        self.item = item
        self.pages: list[PageRead] = []
        self.finished = item.digital is not None
        self.error: Message | None = None


def read_in_workers(reader: BatchReader, plan: Iterator[PlanItem], workers: int,
                    on_page: Callable[[PageOutcome], None],
                    on_digital: Callable[[PlanItem], None]) -> None:
    """Run the plan on `workers` processes; merge and report every page in input order."""
    tasks = _CTX.Queue()
    results = _CTX.Queue()
    args = _reader_args(reader)
    procs: dict[int, Any] = {}
    running: dict[int, int] = {}  # worker id → step id it is reading

    def start(wid: int) -> None:
        p = _CTX.Process(target=_worker, args=(wid, args, tasks, results),
                         name=f"formkit-read-{wid}", daemon=True)
        p.start()
        procs[wid] = p

    for wid in range(workers):
        start(wid)
    steps: dict[int, _Step] = {}
    order: deque[int] = deque()
    next_id = 0
    in_flight = 0
    plan_done = False
    try:
        while True:
            # keep the workers busy, but never more than 2 steps each in flight
            while not plan_done and in_flight < 2 * workers:
                item = next(plan, None)
                if item is None:
                    plan_done = True
                    break
                steps[next_id] = _Step(item)
                order.append(next_id)
                if item.digital is None:
                    tasks.put((next_id, str(item.file), item.start, item.stop))
                    in_flight += 1
                next_id += 1
            # merge finished steps in input order
            while order and steps[order[0]].finished:
                step = steps.pop(order.popleft())
                if step.item.digital is not None:
                    on_digital(step.item)
                    continue
                in_flight -= 1
                for res in step.pages:
                    on_page(reader.merge(res))
                for index in _missing(step):
                    on_page(PageOutcome(str(step.item.file), index, REJECTED, step.error or ""))
            if plan_done and not order:
                return
            try:
                message = results.get(timeout=POLL_S)
            except queue.Empty:
                _check_workers(procs, running, steps, start)
                continue
            kind, wid, tid = message[:3]
            step = steps[tid]
            if kind == "start":
                running[wid] = tid
            elif kind == "page":
                step.pages.append(message[3])
            elif kind == "fatal":
                raise message[3]
            else:
                step.finished = True
                step.error = message[3] if kind == "error" else None
                running.pop(wid, None)
    finally:
        _stop(procs, tasks, results, reader, [s for s in steps.values()])


def _missing(step: _Step) -> list[int]:
    """1-based pages of a failed step that sent no result."""
    if not step.error:
        return []
    got = {r.outcome.page for r in step.pages}
    first = step.item.start + 1
    last = step.item.stop if step.item.stop is not None else step.item.start + step.item.pages
    return [i for i in range(first, last + 1) if i not in got]


def _check_workers(procs: dict[int, Any], running: dict[int, int], steps: dict[int, _Step],
                   start: Callable[[int], None]) -> None:
    """A worker that died (a native crash, the OOM killer) loses the pages of its step:
    they are rejected with a reason and a new worker takes its place."""
    for wid, p in list(procs.items()):
        if p.is_alive():
            continue
        tid = running.pop(wid, None)
        if tid is None:
            # died before taking a step: starting it again would only die again
            raise FormkitError(say("error.read.worker_start", exit_code=p.exitcode),
                               hint=say("hint.read.one_process"))
        if tid in steps and not steps[tid].finished:
            step = steps[tid]
            step.finished = True
            step.error = say("page.worker_stopped", exit_code=p.exitcode)
        start(wid)


def _stop(procs: dict[int, Any], tasks: Any, results: Any, reader: BatchReader,
          unmerged: list[_Step]) -> None:
    """End the workers (at once when the batch stops early) and remove the temporary files
    of pages that were analysed but never merged."""
    for _ in procs:
        tasks.put(None)
    for p in procs.values():
        p.join(timeout=2 if not unmerged else 0.1)
    for p in procs.values():
        if p.is_alive():
            p.terminate()
            p.join(timeout=2)
        if p.is_alive():
            p.kill()
            p.join()
    for step in unmerged:
        for res in step.pages:
            for tmp, _ in res.staged:
                Path(tmp).unlink(missing_ok=True)
    if reader.out_dir is not None and unmerged:
        # files of steps still in a worker's hands when it was stopped
        for sub in ("crops", "overlays"):
            for tmp in (reader.out_dir / sub).glob(f"*.{STAGE_MARK}*"):
                tmp.unlink(missing_ok=True)
    tasks.cancel_join_thread()
    results.cancel_join_thread()
    tasks.close()
    results.close()
