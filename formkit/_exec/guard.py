"""A watchdog between formkit and a long external program (LibreOffice).

    python -m formkit._exec.guard SCRATCH[:SCRATCH…] -- PROGRAM ARGS…

It starts PROGRAM in a process group of its own and waits for it. When formkit dies, even
by kill -9, the kernel tells the guard (PR_SET_PDEATHSIG); the guard then ends the whole
group (soffice forks soffice.bin, which a plain kill of soffice would leave running) and
removes the scratch folders. It exits with PROGRAM's exit code. Standard library only, so
it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the caller's own cleanup still ends the group on normal exits


def end_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the program's whole group, SIGKILL after 3 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    try:
        proc.wait(3)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv: list[str]) -> int:
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the guard was armed
        return 1
    sep = argv.index("--")
    scratch = [p for p in argv[0].split(os.pathsep) if p] if sep else []
    cmd = argv[sep + 1:]
    proc = subprocess.Popen(cmd, start_new_session=True)

    def stop(signum: int, _frame: object) -> None:
        end_group(proc)
        for p in scratch:
            shutil.rmtree(p, ignore_errors=True)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, stop)
    code = proc.wait()
    try:  # children the program left behind (soffice.bin after oosplash exits)
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
