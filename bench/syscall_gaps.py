"""A server's user-space time per request, measured between its system calls (peer_bench.py --user-time).

CPU time per request from /proc (peer-bench's cpu column) is the sum of everything the server did, and
on a small VM it swings 10-20% between rounds with where the scheduler puts the clients. The part a
server's own code adds, the user-space time between one system call and the next, can be measured
far more steadily: the kernel's raw_syscalls tracepoints timestamp every system call's entry and
exit, and the time from an exit to the thread's next entry, less the time the thread was switched
out in between (perf's switch events: a loop under SCHED_IDLE steps aside for the client it just
answered), is time the thread spent in user space. The tracepoints themselves add a fixed floor to
every such gap, measured here on `perf bench syscall basic` (a C loop of getppid calls) traced the
same way, and taken off.

Gaps are grouped by transition (io_uring_enter -> pread64: from the wake-up to the backing read;
pread64 -> io_uring_enter: from the read to the reply's submission...), and each transition counts
with its median: about 2% of the gaps last 10-25 us with the thread on its CPU, for every server
alike (the hypervisor taking the vCPU, most likely), and a mean would be theirs. Per server: the
user time per request (the sum over the transitions of their median, less the floor, times how
often they happen per request), the system calls per request, and the medians of the two most
frequent transitions.
"""
import collections
import re
import shutil
import statistics
import subprocess
import time

# x86-64 numbers of the calls these servers make per request, for the transition names
SYSCALL_NAMES = {0: "read", 1: "write", 7: "poll", 17: "pread64", 18: "pwrite64", 19: "readv", 20: "writev",
                 24: "sched_yield", 28: "madvise", 98: "getrusage", 202: "futex", 426: "io_uring_enter"}
EVENT = re.compile(r"\s*(\d+)\s+([\d.]+):\s+raw_syscalls:sys_(enter|exit):\s+NR (\d+)")
SWITCH = re.compile(r"\s*(\d+)\s+([\d.]+):?\s+PERF_RECORD_SWITCH (IN|OUT)")


def perf_available():
    """None when perf can trace system calls here, else why not."""
    if not shutil.which("perf"):
        return "perf missing (apt-get install linux-perf)"
    r = subprocess.run(["perf", "list", "raw_syscalls:sys_enter"], capture_output=True, text=True)
    if "raw_syscalls:sys_enter" not in r.stdout:
        return "perf cannot see the raw_syscalls tracepoints (tracefs not mounted, or not root)"
    return None


def record(pid, secs, data):
    """Records every system call entry and exit of pid's threads for secs seconds into data."""
    r = subprocess.run(["perf", "record", "-q", "--switch-events", "-e", "raw_syscalls:sys_enter,raw_syscalls:sys_exit",
                        "-p", str(pid), "-o", data, "--", "sleep", str(secs)], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"perf record exited {r.returncode}: {r.stderr.strip()[-500:]}")


def gaps(data):
    """{(previous call, next call): [ns on the CPU from the previous call's exit to the next call's
    entry]} over every thread of the recording, and the number of system calls."""
    out = subprocess.run(["perf", "script", "--ns", "--show-switch-events", "-i", data, "-F", "tid,time,event,trace"],
                         capture_output=True, text=True, errors="replace").stdout
    last_exit = {}
    switched_out = {}
    off_cpu = collections.defaultdict(float)
    by_transition = collections.defaultdict(list)
    calls = 0
    for line in out.splitlines():
        s = SWITCH.match(line)
        if s:
            tid, t = s.group(1), float(s.group(2))
            if s.group(3) == "OUT":
                switched_out[tid] = t
            elif tid in switched_out:
                off_cpu[tid] += t - switched_out.pop(tid)
            continue
        m = EVENT.match(line)
        if not m:
            continue
        tid, t, kind, nr = m.group(1), float(m.group(2)), m.group(3), int(m.group(4))
        if kind == "exit":
            last_exit[tid] = (t, nr)
            off_cpu[tid] = 0.0
            continue
        calls += 1
        if tid in last_exit:
            t0, before = last_exit.pop(tid)
            by_transition[(SYSCALL_NAMES.get(before, str(before)), SYSCALL_NAMES.get(nr, str(nr)))].append(
                (t - t0 - off_cpu[tid]) * 1e9)
    return by_transition, calls


def tracing_floor(data):
    """The median gap between two system calls of a C loop that does nothing else, traced as the
    servers are: what the tracepoints and the bare kernel entry and exit add to every gap."""
    bench = subprocess.Popen(["perf", "bench", "syscall", "basic", "--loop", "100000000"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        record(bench.pid, 0.5, data)
    finally:
        bench.kill()
        bench.wait()
    by_transition, _ = gaps(data)
    loop = [g for (a, b), v in by_transition.items() if a == b for g in v]
    if len(loop) < 1000:
        raise RuntimeError(f"tracing floor: only {len(loop)} gaps recorded from perf bench syscall basic")
    return statistics.median(loop)


def user_time(pid, secs, requests, floor, data):
    """(user ns per request, system calls per request, {transition: (count, median ns less the
    floor)}) of pid over secs seconds in which the client made `requests` requests."""
    record(pid, secs, data)
    by_transition, calls = gaps(data)
    medians = {k: (len(v), max(0.0, statistics.median(v) - floor)) for k, v in by_transition.items()}
    total = sum(n * median for n, median in medians.values())
    return total / requests, calls / requests, medians
