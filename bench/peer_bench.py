#!/usr/bin/env python3
"""Side-by-side benchmark of uringfuse against its peers, in one run (see peer-bench.sh for usage).

Every target is mounted at once over the same backing store, and each row runs in interleaved rounds
(A, B, C, A, B, C, ...), so that drift of the backing store hits every target alike; the table shows
the median of the rounds, the ratios to native and to libfuse (with the range of the per-round
ratios), and the server's CPU time per request (utime + stime of the whole server process, from
/proc/PID/stat, over the row's run). Servers that answer at different rates batch differently, so
--equal-load runs the fio rows again with every server offered the same IOPS, for CPU per request
at equal load.

Directory targets: native (the backing directory itself), uringfuse over FUSE-over-io_uring and over
/dev/fuse, libfuse's example/passthrough_hp (--nopassthrough --nocache, with and without -o
io_uring), and a jnr-fuse 0.5.8 passthrough. Image targets: the raw image itself, uringfuse's image
export (cache=none) on both transports, and qemu-storage-daemon's FUSE export (aio=io_uring,
cache.direct=on). Kernel caching is off everywhere (timeouts 0, O_DIRECT).
"""
import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import syscall_gaps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CPUS = os.cpu_count() or 1
TICK = os.sysconf("SC_CLK_TCK")
# --equal-load offers every server this share of the slowest server's median IOPS in the row
EQUAL_LOAD_SHARE = 0.8
PR_SET_TIMERSLACK = 29


def fine_timer_slack():
    """Run before exec'ing a rate-limited fio: 1 ns of timer slack instead of 50 us. fio measures its
    nanosleep granularity at start-up and spins through any wait shorter than that; under the default
    slack it spun through every wait at these rates, so the clients held both CPUs at 100% and the
    servers were measured beside two spinning threads. With fine slack fio sleeps between I/Os, as
    clients that wait do."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0)


def at_least_one(what):
    """argparse type of a count that must be 1 or more ({what}: its unit, for the error): a median
    needs a round, and the user-time pass needs a rate to run fio at and divide by."""
    def parse(text):
        n = int(text)
        if n < 1:
            raise argparse.ArgumentTypeError(f"needs at least 1 {what}, got {n}")
        return n
    return parse


rounds_count = at_least_one("round")


def fio_row(rw, bs, engine, depth, jobs, extra=()):
    return {"fio": [f"--rw={rw}", f"--bs={bs}", f"--ioengine={engine}", f"--iodepth={depth}", *extra],
            "jobs": jobs}


ROWS = {
    "randread-psync-qd1": fio_row("randread", "4k", "psync", 1, 1),
    # the same with the client pinned to CPU 0: the scheduler cannot move it to the idle CPU at each
    # reply (it does so unpinned, one IPI per request), so this row shows the servers' own path
    "randread-psync-qd1-pinned": fio_row("randread", "4k", "psync", 1, 1, ["--cpus_allowed=0"]),
    "randread-psync-x1cpu": fio_row("randread", "4k", "psync", 1, CPUS),
    "randread-psync-x2cpu": fio_row("randread", "4k", "psync", 1, 2 * CPUS),
    "randread-psync-x4cpu": fio_row("randread", "4k", "psync", 1, 4 * CPUS),
    "randread-libaio-qd16xcpu": fio_row("randread", "4k", "libaio", 16, CPUS),
    "seqread-128k-qd4": fio_row("read", "128k", "libaio", 4, 1),
    "randwrite-psync-qd1": fio_row("randwrite", "4k", "psync", 1, 1),
    "randwrite-psync-x2cpu": fio_row("randwrite", "4k", "psync", 1, 2 * CPUS),
    "randwrite-libaio-qd16xcpu": fio_row("randwrite", "4k", "libaio", 16, CPUS),
    "randrw70-libaio-qd8": fio_row("randrw", "4k", "libaio", 8, 1, ["--rwmixread=70"]),
    # buffered (no O_DIRECT, as cp and compilers write): the servers' backing writes are buffered too
    "randwrite-buffered-psync-qd1": fio_row("randwrite", "4k", "psync", 1, 1, ["--direct=0"]),
    "seqwrite-buffered-128k": fio_row("write", "128k", "psync", 1, 1, ["--direct=0"]),
    "metadata": None,
}
DEFAULT_ROWS = ["randread-psync-qd1", "randread-psync-x1cpu", "randread-psync-x2cpu",
                "randread-psync-x4cpu", "randread-libaio-qd16xcpu", "seqread-128k-qd4",
                "randwrite-psync-qd1", "randrw70-libaio-qd8", "randwrite-buffered-psync-qd1",
                "seqwrite-buffered-128k", "metadata"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    r = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {(r.stdout + r.stderr).strip()[-2000:]}")
    return r


def is_mountpoint(path):
    return subprocess.run(["mountpoint", "-q", path]).returncode == 0


def wait_for(what, cond, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])   # utime, stime (fields 14 and 15)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def io_uring_fds(pid):
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:[io_uring]":
                n += 1
        except OSError:
            pass
    return n


class Target:
    """One thing to measure: a path to run fio on, and the server process behind it (if any)."""

    def __init__(self, name, path):
        self.name, self.path, self.pid, self.proc = name, path, None, None

    def start(self):
        pass

    def stop(self):
        pass


class Native(Target):
    pass


class Uringfuse(Target):
    def __init__(self, name, source, mnt, transport, extra, logfile, root=ROOT):
        super().__init__(name, mnt)
        self.source, self.transport, self.extra, self.logfile, self.root = source, transport, extra, logfile, root

    def start(self):
        out = run([f"{self.root}/uringfuse", "mount", self.source, self.path, "--transport", self.transport,
                   "--log-file", self.logfile, *self.extra]).stdout
        m = re.search(r"\(pid (\d+)\) over (\w+)", out)
        if not m or m.group(2) != self.transport:
            raise RuntimeError(f"{self.name}: expected a mount over {self.transport}, got: {out.strip()}")
        self.pid = int(m.group(1))

    def stop(self):
        if is_mountpoint(self.path):
            subprocess.run([f"{self.root}/uringfuse", "umount", self.path], capture_output=True)


class Process(Target):
    """A peer server run in the foreground as a child; unmounted with umount, then waited for."""

    def __init__(self, name, path, cmd, logfile, uring=None):
        super().__init__(name, path)
        self.cmd, self.logfile, self.uring = cmd, logfile, uring

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdout=open(self.logfile, "w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid
        try:
            wait_for(f"{self.name} to mount", lambda: is_mountpoint(self.path) or self.proc.poll() is not None)
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {open(self.logfile).read()[-2000:]}")
            if self.uring is not None:
                # libfuse falls back to /dev/fuse silently: make sure the mode is the one named.
                wait_for(f"{self.name} rings", lambda: (io_uring_fds(self.pid) > 0) == self.uring, 5)
        except Exception:
            self.stop()
            raise

    def stop(self):
        if is_mountpoint(self.path):
            subprocess.run(["umount", self.path], capture_output=True)
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def layout(path, size):
    run(["fio", "--name=layout", f"--filename={path}", f"--size={size}", "--rw=write", "--bs=1m", "--direct=1",
         "--output-format=terse"])


def make_targets(args, work, backing):
    """The targets of this run, each with its own mountpoint under work. Directory targets share the
    backing directory; image targets each get their own image of the same size on the same store
    (an export locks its image)."""
    names = args.targets.split(",")
    targets = []
    for name in names:
        src = backing
        if args.image:
            src = os.path.join(backing, f"disk-{name}.raw")
            layout(src, args.size)
        mnt = os.path.join(work, "mnt-" + name)
        logfile = os.path.join(work, name + ".log")
        if args.image:
            open(mnt, "a").close()
        else:
            os.makedirs(mnt, exist_ok=True)
        if name == "native":
            targets.append(Native(name, src))
        elif name in ("uringfuse-uring", "uringfuse-classic", "baseline-uring", "baseline-classic"):
            extra = ["-o", "cache=none"] if args.image else []
            if args.uringfuse_opts:
                extra += ["-o", args.uringfuse_opts]
            root = ROOT
            if name.startswith("baseline"):
                if not args.baseline:
                    sys.exit("peer-bench: the baseline targets need --baseline CHECKOUT")
                root = os.path.abspath(args.baseline)
            targets.append(Uringfuse(name, src, mnt, name.split("-")[1], extra, logfile, root))
        elif name in ("libfuse-uring", "libfuse-classic"):
            hp = os.environ.get("PASSTHROUGH_HP")
            if not hp or not os.access(hp, os.X_OK):
                sys.exit("peer-bench: set PASSTHROUGH_HP to libfuse's example/passthrough_hp (see peer-bench.sh)")
            uring = name == "libfuse-uring"
            cmd = [hp, "--foreground", "--nopassthrough", "--nocache", *(["-o", "io_uring"] if uring else []),
                   src, mnt]
            targets.append(Process(name, mnt, cmd, logfile, uring))
        elif name == "jnr-fuse":
            java = os.environ["JAVA"]
            cmd = [java, "--enable-native-access=ALL-UNNAMED", "-cp", f"{ROOT}/benchmarks/target/benchmarks.jar",
                   "org.uringfuse.bench.JnrPassthrough", src, mnt]
            targets.append(Process(name, mnt, cmd, logfile))
        elif name == "qsd":
            qsd = shutil.which("qemu-storage-daemon")
            if not qsd:
                sys.exit("peer-bench: qemu-storage-daemon missing (apt-get install qemu-system-common)")
            cmd = [qsd, "--blockdev", f"node-name=file0,driver=file,filename={src},aio=io_uring,cache.direct=on",
                   "--blockdev", "node-name=fmt0,driver=raw,file=file0",
                   "--export", f"type=fuse,id=exp0,node-name=fmt0,mountpoint={mnt},writable=on"]
            targets.append(Process(name, mnt, cmd, logfile))
        else:
            sys.exit(f"peer-bench: unknown target {name}")
    return targets


def rate_args(row, total_iops):
    """fio's cap for a whole row at total_iops: per job, and split by the mix for a mixed row (fio caps
    reads and writes separately)."""
    spec = ROWS[row]
    per_job = max(1, total_iops // spec["jobs"])
    mix = next((int(a.split("=")[1]) for a in spec["fio"] if a.startswith("--rwmixread=")), None)
    if mix is None:
        return [f"--rate_iops={per_job}"]
    return [f"--rate_iops={max(1, per_job * mix // 100)},{max(1, per_job * (100 - mix) // 100)}"]


def fio_cmd(path, row, secs, size, rate=None):
    spec = ROWS[row]
    return ["fio", f"--name={row}", f"--filename={path}", f"--size={size}", "--direct=1", *spec["fio"],
            f"--numjobs={spec['jobs']}", "--group_reporting", "--time_based", f"--runtime={secs}",
            "--output-format=json", *(rate_args(row, rate) if rate else [])]


def fio(path, row, secs, size, rate=None):
    spec = ROWS[row]
    cmd = fio_cmd(path, row, secs, size, rate)
    j = json.loads(run(cmd, preexec_fn=fine_timer_slack if rate else None).stdout)["jobs"][0]
    ios = j["read"]["total_ios"] + j["write"]["total_ios"]
    secs_run = max(j["read"]["runtime"], j["write"]["runtime"], j["job_runtime"] / spec["jobs"]) / 1000
    side = j["read"] if j["read"]["total_ios"] >= j["write"]["total_ios"] else j["write"]
    p99 = side["clat_ns"]["percentile"]["99.000000"] / 1000
    return ios, ios / secs_run, p99


def metadata(directory, n):
    """create + stat + unlink of n files, one at a time: returns (operations, ops/s)."""
    work = os.path.join(directory, f"meta-{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    t0 = time.perf_counter()
    for i in range(n):
        p = os.path.join(work, f"f{i}")
        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))
        os.stat(p)
        os.unlink(p)
    dt = time.perf_counter() - t0
    os.rmdir(work)
    return 3 * n, 3 * n / dt


def measure(target, row, args, cap=None):
    """One run of a row on a target: (rate, p99, server CPU us per request); cap: total IOPS to offer."""
    path = target.path if args.image else os.path.join(target.path, "bench.dat")
    before = cpu_ticks(target.pid) if target.pid else 0
    if row == "metadata":
        ios, rate = metadata(target.path, args.meta_files)
        p99 = None
    else:
        ios, rate, p99 = fio(path, row, args.secs, args.size, cap)
    cpu_us = (cpu_ticks(target.pid) - before) * 1e6 / TICK / ios if target.pid else None
    return rate, p99, cpu_us


def warm_up(target, args):
    """An untimed pass over the paths the rows use, so that a JIT-compiled server is measured compiled."""
    path = target.path if args.image else os.path.join(target.path, "bench.dat")
    for row in ("randread-psync-qd1", "randwrite-psync-qd1", "randread-libaio-qd16xcpu"):
        fio(path, row, 2, args.size)
    if not args.image:
        metadata(target.path, 1000)


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def soak(args, targets):
    """Every server target under the same load at once for --soak minutes: fio randrw libaio QD16 x
    CPUs jobs plus a create/stat/unlink loop each; RSS and open fds sampled every 30 s."""
    servers = [t for t in targets if t.pid]
    secs = int(args.soak * 60)
    fios, metas = [], []
    for t in servers:
        fios.append(subprocess.Popen(
            ["fio", "--name=soak", f"--filename={os.path.join(t.path, 'bench.dat')}", f"--size={args.size}",
             "--direct=1", "--rw=randrw", "--bs=4k", "--ioengine=libaio", "--iodepth=16",
             f"--numjobs={CPUS}", "--time_based", f"--runtime={secs}", "--output-format=terse"],
            stdout=subprocess.DEVNULL))
        # targets share the backing directory: each loop has names of its own
        loop = ("import os,sys,time\nd,n=sys.argv[1],sys.argv[3]; end=time.time()+float(sys.argv[2]); i=0\n"
                "while time.time()<end:\n p=os.path.join(d,f'soak-{n}-{i%500}'); os.close(os.open(p,os.O_CREAT|os.O_WRONLY,0o644));"
                " os.stat(p); os.unlink(p); i+=1\n")
        metas.append(subprocess.Popen([sys.executable, "-c", loop, t.path, str(secs), t.name]))
    print(f"== soak: {args.soak:g} min of fio randrw libaio QD16 x {CPUS} jobs + a create/stat/unlink loop on "
          f"each of {', '.join(t.name for t in servers)} at once; server RSS (MiB) / open fds every 30 s")
    start = time.monotonic()
    while True:
        elapsed = time.monotonic() - start
        print(f"t={elapsed:5.0f}s  " + "  ".join(f"{t.name}={rss_mib(t.pid):.0f}MiB/{fd_count(t.pid)}fds"
                                                for t in servers), flush=True)
        if elapsed >= secs:
            break
        time.sleep(min(30, max(1, secs - elapsed)))
    for p in fios + metas:
        p.wait(60)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backing", default="tmpfs", help="tmpfs (a fresh tmpfs) or a directory on the disk to test")
    ap.add_argument("--image", action="store_true", help="image export targets instead of directory targets")
    ap.add_argument("--targets", help="comma-separated targets (default: all of the mode)")
    ap.add_argument("--rows", help="comma-separated rows (default: every row that applies): " + ", ".join(ROWS))
    ap.add_argument("--secs", type=int, default=5, help="seconds per fio run")
    ap.add_argument("--rounds", type=rounds_count, default=3, help="interleaved rounds per row (median reported)")
    ap.add_argument("--size", default="256m", help="data file / image size")
    ap.add_argument("--meta-files", type=int, default=3000, help="files per metadata run")
    ap.add_argument("--uringfuse-opts", default="", help="extra -o options for the uringfuse targets")
    ap.add_argument("--baseline", metavar="CHECKOUT",
                    help="another checkout of uringfuse (a git worktree of the commit to compare with) for the "
                         "baseline-uring and baseline-classic targets: before/after a change in one run")
    ap.add_argument("--equal-load", action="store_true",
                    help="after the rows, run each fio row again with every target offered the same load "
                         f"({EQUAL_LOAD_SHARE * 100:.0f}%% of the slowest server's median IOPS, fio --rate_iops): "
                         "server CPU per request at equal IOPS")
    ap.add_argument("--equal-load-rounds", type=rounds_count, metavar="N",
                    help="interleaved rounds per row of the equal-load pass (default: --rounds). CPU per "
                         "request at equal load swings 10-20%% between rounds with the scheduler's placement "
                         "of the clients, for every server alike: more rounds make its median steadier")
    ap.add_argument("--user-time", action="store_true",
                    help="after the rows, each server's user-space time per request, measured between its "
                         "system calls with perf's raw_syscalls tracepoints (less their floor), at depth 1 and "
                         "a fixed low rate (--user-time-rate): the cost of the server's own code per request, "
                         "far steadier than CPU time from /proc (bench/syscall_gaps.py)")
    ap.add_argument("--user-time-rate", type=at_least_one("request a second"), default=5000, metavar="IOPS",
                    help="the rate of the --user-time pass (default 5000)")
    ap.add_argument("--soak", type=float, metavar="MINUTES",
                    help="instead of the rows: a memory soak of every server target (RSS and fds over time)")
    args = ap.parse_args()
    if args.targets is None:
        args.targets = ("native,uringfuse-uring,uringfuse-classic,qsd" if args.image else
                        "native,uringfuse-uring,uringfuse-classic,libfuse-uring,libfuse-classic,jnr-fuse")
    if args.rows is None:
        args.rows = ",".join(r for r in DEFAULT_ROWS if not (args.image and r == "metadata"))
    rows = args.rows.split(",")
    if args.user_time and (why := syscall_gaps.perf_available()):
        sys.exit(f"peer-bench: --user-time: {why}")
    for r in rows:
        if r not in ROWS or (args.image and r == "metadata"):
            sys.exit(f"peer-bench: row {r} does not apply")

    tmpfs = args.backing == "tmpfs"
    work = tempfile.mkdtemp(prefix="uringfuse-peer.", dir="/var/tmp")
    backing = os.path.join(work, "backing")
    os.makedirs(backing)
    if tmpfs:
        run(["mount", "-t", "tmpfs", "-o", "size=4g,mode=0755", "tmpfs", backing])
    else:
        backing = tempfile.mkdtemp(prefix="uringfuse-peer-backing.", dir=args.backing)
    targets = []
    try:
        if not args.image:
            layout(os.path.join(backing, "bench.dat"), args.size)
        targets = make_targets(args, work, backing)
        for t in targets:
            log(f"== starting {t.name}")
            t.start()
        if args.soak:
            soak(args, targets)
            return
        for t in targets:
            log(f"== warming up {t.name}")
            warm_up(t, args)
        results = interleaved(args, rows, targets, args.rounds)
        rss = {t.name: rss_mib(t.pid) for t in targets if t.pid}
        report(args, rows, targets, results, rss)
        if args.equal_load:
            equal_load(args, [r for r in rows if r != "metadata"], targets, results)
        if args.user_time:
            user_time(args, targets, work)
    finally:
        for t in targets:
            try:
                t.stop()
            except Exception as e:  # keep stopping the others
                log(f"stopping {t.name}: {e}")
        if tmpfs and is_mountpoint(backing):
            subprocess.run(["umount", backing])
        shutil.rmtree(backing, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def interleaved(args, rows, targets, rounds, caps=None):
    """Each row in interleaved rounds over the targets (caps: the total IOPS to offer per row, or
    none): {(row, target name): [(rate, p99, cpu us/req) per round]}."""
    results = {}
    for row in rows:
        cap = caps[row] if caps else None
        label = f"{row:<26}" + (f" at {cap:,}/s" if cap else "")
        for rnd in range(rounds):
            for t in targets:
                r = measure(t, row, args, cap)
                results.setdefault((row, t.name), []).append(r)
                log(f"{label} round {rnd + 1} {t.name:<18} {r[0]:>10,.0f}/s"
                    + (f"  cpu {r[2]:6.1f} us/req" if r[2] is not None else ""))
    return results


def equal_load(args, rows, targets, results):
    """Each row again with every target offered the same IOPS, a share of what the slowest server
    reached: servers that answer at different rates do different amounts of batching, so CPU per
    request is only comparable at the same load."""
    servers = [t for t in targets if t.pid]
    caps = {row: int(EQUAL_LOAD_SHARE * min(statistics.median(r[0] for r in results[(row, t.name)])
                                            for t in servers)) for row in rows}
    rounds = args.rounds if args.equal_load_rounds is None else args.equal_load_rounds
    capped = interleaved(args, rows, servers, rounds, caps)
    print(f"== equal load: every server offered {EQUAL_LOAD_SHARE:.0%} of the slowest server's median IOPS "
          f"in the row (fio --rate_iops); cpu = server CPU time per request, median of {rounds} rounds")
    for row in rows:
        label = f"{row}@{caps[row]}"
        cpu = {t.name: [r[2] for r in capped[(row, t.name)]] for t in servers}
        for t in servers:
            rate = statistics.median(r[0] for r in capped[(row, t.name)])
            print(f"{label:<34} {t.name:<18} iops={rate:>10,.0f}  cpu={statistics.median(cpu[t.name]):6.1f}us/req")
        print(f"{label:<34} cpu ratios (per-round range; below 1 is less CPU): " + peer_ratios(cpu))


def peer_ratios(per_round):
    """"a/b=ratio of the medians (per-round range)" of every uringfuse target a against every other
    target b, from {target name: [value per round]}."""
    ratios = []
    for a in (n for n in per_round if n.startswith("uringfuse")):
        for b in (n for n in per_round if not n.startswith("uringfuse")):
            rounds = [x / y for x, y in zip(per_round[a], per_round[b])]
            ratios.append(f"{a}/{b}={statistics.median(per_round[a]) / statistics.median(per_round[b]):.2f}x"
                          f" ({min(rounds):.2f}-{max(rounds):.2f})")
    return "  ".join(ratios)


def user_time(args, targets, work):
    """Each server's user-space time per request at depth 1 and --user-time-rate, in interleaved
    rounds (bench/syscall_gaps.py): fio runs a second longer on each side of the trace."""
    servers = [t for t in targets if t.pid]
    row, rate, secs = "randread-psync-qd1", args.user_time_rate, args.secs
    data = os.path.join(work, "syscalls.perf")
    floor = syscall_gaps.tracing_floor(data)
    runs = {t.name: [] for t in servers}
    for rnd in range(args.rounds):
        for t in servers:
            path = t.path if args.image else os.path.join(t.path, "bench.dat")
            client = subprocess.Popen(fio_cmd(path, row, secs + 2, args.size, rate), stdout=subprocess.DEVNULL,
                                      preexec_fn=fine_timer_slack)
            try:
                time.sleep(1)
                r = syscall_gaps.user_time(t.pid, secs, rate * secs, floor, data)
            finally:
                client.wait()
            runs[t.name].append(r)
            log(f"user time at {rate:,}/s round {rnd + 1} {t.name:<18} {r[0]:>7,.0f} ns/req")
    print(f"== user-space time per request: {row} at {rate:,}/s, median of {args.rounds} rounds of {secs} s: the "
          f"time on the CPU from each system call's exit to the thread's next entry, less the tracing floor "
          f"({floor:,.0f} ns, perf bench syscall basic traced alike); per transition its median, times how "
          f"often it happens per request, summed over the server's threads")
    label = f"user-time@{rate}"
    for t in servers:
        rs = runs[t.name]
        top = sorted(rs[-1][2].items(), key=lambda kv: -kv[1][0])[:2]
        transitions = "  ".join(f"{a}->{b} p50={statistics.median(r[2].get((a, b), (0, 0))[1] for r in rs):,.0f}ns"
                                for (a, b), _ in top)
        print(f"{label:<34} {t.name:<18} user={statistics.median(r[0] for r in rs):>7,.0f}ns/req  "
              f"syscalls={statistics.median(r[1] for r in rs):.2f}/req  {transitions}")
    user = {name: [r[0] for r in rs] for name, rs in runs.items()}
    print(f"{label:<34} user-time ratios (per-round range; below 1 is less): " + peer_ratios(user))


def report(args, rows, targets, results, rss):
    names = [t.name for t in targets]
    what = "image" if args.image else "directory"
    print(f"== peer-bench: {what} export, backing {args.backing}, {CPUS} CPUs, {args.secs} s runs, "
          f"median of {args.rounds} interleaved rounds; cpu = server CPU time per request")
    for row in rows:
        med = {}
        for n in names:
            rs = results[(row, n)]
            med[n] = (statistics.median(r[0] for r in rs),
                      statistics.median(r[1] for r in rs) if rs[0][1] is not None else None,
                      statistics.median(r[2] for r in rs) if rs[0][2] is not None else None)
        unit = "ops/s" if row == "metadata" else "iops"
        for n in names:
            rate, p99, cpu = med[n]
            line = f"{row:<26} {n:<18} {unit}={rate:>10,.0f}"
            line += f"  p99={p99:>8.1f}us" if p99 is not None else " " * 17
            line += f"  cpu={cpu:6.1f}us/req" if cpu is not None else ""
            print(line)
        ratios = []
        for a in names:
            if not a.startswith("uringfuse"):
                continue
            for b in names:
                if (b == "native" or b.startswith("libfuse") or b in ("qsd", "jnr-fuse")
                        or b == "baseline-" + a.split("-")[1]):
                    # the host drifts between rounds, and every target of a round sees the same drift:
                    # the spread of the per-round ratios says how far to trust the ratio of the medians
                    per_round = [x[0] / y[0] for x, y in zip(results[(row, a)], results[(row, b)])]
                    ratios.append(f"{a}/{b}={med[a][0] / med[b][0]:.2f}x"
                                  f" ({min(per_round):.2f}-{max(per_round):.2f})")
        print(f"{row:<26} ratios (per-round range): " + "  ".join(ratios))
    if rss:
        print("server RSS after the run (MiB): " + "  ".join(f"{n}={v:.0f}" for n, v in rss.items()))


if __name__ == "__main__":
    main()
