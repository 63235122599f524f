"""Peak memory of a process tree, for the benchmarks and the fault table.

`os.wait4` reports only the largest single process of a crawl, and nothing of the extraction workers
(the fork server's children, never waited for by the crawl); a crawl's memory is the sum over its tree,
so it is sampled from /proc while the crawl runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

from crawler.store.embedded import read_record

MIB = 1024 * 1024
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_EVERY = 0.05  # seconds between two looks at the tree: a crawl's peak lasts longer than that


def tree_pids(root: int) -> set[int]:
    """`root` and all its descendants alive now."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def peak_rss_mb(pid: int) -> float | None:
    """The high-water mark of one live process (VmHWM), e.g. a store server that is nobody's child."""
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one live process so far (its own, not its children's)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class TreeSampler(threading.Thread):
    """The highest sum of resident memory of a process and its descendants, and the CPU seconds they
    used (each process's own, last seen), sampled while it runs: a worker killed at the end is counted
    up to its last sample, where its parent's rusage would not count it at all."""

    def __init__(self, pid: int) -> None:
        super().__init__(name=f"rss-{pid}", daemon=True)
        self.pid = pid
        self.peak = 0
        self.cpu: dict[int, float] = {}  # pid → CPU seconds when last seen
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            pids = tree_pids(self.pid)
            rss = 0
            for pid in pids:
                try:
                    rss += int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * PAGE_SIZE
                except (OSError, IndexError):
                    continue
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    self.cpu[pid] = seconds
            self.peak = max(self.peak, rss)

    @property
    def peak_mb(self) -> float:
        return self.peak / MIB

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


def store_figures(home: Path) -> tuple[float | None, float | None]:
    """(peak RSS in MB, CPU seconds) of the embedded store server a run under `home` started: it is
    nobody's child (crawler/store/embedded.py), so no rusage counts it."""
    record = next((read_record(p.parent) for p in home.rglob("server.json")), None)
    if record is None:
        return None, None
    return peak_rss_mb(record["pid"]), cpu_seconds(record["pid"])


def stop_store_servers(home: Path) -> None:
    """Stop the embedded store servers of a finished run now, not after their idle time."""
    for server in home.rglob("server.json"):
        record = read_record(server.parent)
        if record:
            with contextlib.suppress(ProcessLookupError):
                os.kill(record["pid"], signal.SIGTERM)
