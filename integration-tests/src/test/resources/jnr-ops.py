#!/usr/bin/env python3
"""The operation script the jnr-fuse compatibility test runs against a mount: every step prints one
JSON line with its result or its errno, so two mounts of the same filesystem can be compared line by
line. Stat fields that depend on the clock or on node numbering (ino, dev, ctime, unset atime/mtime)
are left out. usage: jnr-ops.py MOUNTDIR"""
import errno, json, os, stat, sys, time

root = sys.argv[1]
out = []


def P(*parts):
    return os.path.join(root, *parts)


def step(name, fn):
    try:
        out.append({"step": name, "ok": fn()})
    except OSError as e:
        out.append({"step": name, "errno": errno.errorcode.get(e.errno, str(e.errno))})


def st(path, follow=True):
    s = os.stat(path) if follow else os.lstat(path)
    return {"type": stat.S_IFMT(s.st_mode), "perm": oct(stat.S_IMODE(s.st_mode)), "nlink": s.st_nlink,
            "uid": s.st_uid, "gid": s.st_gid, "size": s.st_size}


def write(path, data, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode=0o644):
    fd = os.open(path, flags, mode)
    try:
        return os.write(fd, data)
    finally:
        os.close(fd)


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def pread_after_unlink():
    fd = os.open(P("d", "open-unlinked"), os.O_RDWR | os.O_CREAT, 0o600)
    os.write(fd, b"still here")
    os.unlink(P("d", "open-unlinked"))
    visible = sorted(n for n in os.listdir(P("d")) if not n.startswith(".fuse_hidden"))
    data = os.pread(fd, 100, 0).decode()
    size = os.fstat(fd).st_size
    nlink = os.fstat(fd).st_nlink
    os.close(fd)
    # RELEASE is asynchronous in FUSE: the hidden name goes away soon after close, not at once.
    deadline = time.monotonic() + 5
    while any(n.startswith(".fuse_hidden") for n in os.listdir(P("d"))) and time.monotonic() < deadline:
        time.sleep(0.01)
    hidden_left = [n for n in os.listdir(P("d")) if n.startswith(".fuse_hidden")]
    return [data, size, nlink, visible, hidden_left]


def renameat2(a, b, flags):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(-100, a.encode(), -100, b.encode(), flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def utimensat_mtime_only(path, sec):
    import ctypes

    class Timespec(ctypes.Structure):
        _fields_ = [("sec", ctypes.c_long), ("nsec", ctypes.c_long)]

    times = (Timespec * 2)(Timespec(0, (1 << 30) - 2), Timespec(sec, 0))   # atime UTIME_OMIT
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.utimensat(-100, path.encode(), times, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def fallocate(path):
    """fallocate(2) itself: glibc's posix_fallocate would hide EOPNOTSUPP by writing zeros."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDWR)
    try:
        if libc.fallocate(fd, 1, ctypes.c_long(0), ctypes.c_long(4096)) != 0:   # FALLOC_FL_KEEP_SIZE
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
    finally:
        os.close(fd)


def as_user(uid, gid, fn):
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(gid)
            os.setuid(uid)
            fn()
            os._exit(0)
        except OSError as e:
            os._exit(100 + e.errno)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code >= 100:
        raise OSError(code - 100, os.strerror(code - 100))
    return code


def initial():
    found = {}
    for name in sorted(os.listdir(root)):
        s = os.lstat(P(name))
        found[name] = read(P(name)) if stat.S_ISREG(s.st_mode) else stat.S_IFMT(s.st_mode)
    return found


step("initial contents", initial)
step("stat root", lambda: st(root))
step("mkdir d", lambda: os.mkdir(P("d"), 0o755))
step("mkdir d again", lambda: os.mkdir(P("d"), 0o755))
step("stat d", lambda: st(P("d")))
step("create a", lambda: write(P("d", "a"), b"hello"))
step("read a", lambda: read(P("d", "a")))
step("stat a", lambda: st(P("d", "a")))
step("create exclusive a", lambda: write(P("d", "a"), b"x", os.O_WRONLY | os.O_CREAT | os.O_EXCL))
step("pwrite a at 10", lambda: (lambda fd: (os.pwrite(fd, b"world", 10), os.close(fd))[0])(os.open(P("d", "a"), os.O_WRONLY)))
step("read a sparse", lambda: read(P("d", "a")))
step("append a", lambda: write(P("d", "a"), b"++", os.O_WRONLY | os.O_APPEND))
step("read a appended", lambda: read(P("d", "a")))
step("truncate a 3", lambda: os.truncate(P("d", "a"), 3))
step("read a truncated", lambda: read(P("d", "a")))
step("ftruncate a 7", lambda: (lambda fd: (os.ftruncate(fd, 7), os.fstat(fd).st_size, os.close(fd))[1])(os.open(P("d", "a"), os.O_RDWR)))
step("O_TRUNC a", lambda: write(P("d", "a"), b"new"))
step("read a after O_TRUNC", lambda: read(P("d", "a")))
step("chmod a 600", lambda: os.chmod(P("d", "a"), 0o600))
step("chown a 1234:5678", lambda: os.chown(P("d", "a"), 1234, 5678))
step("chown a gid only", lambda: os.chown(P("d", "a"), -1, 4321))
step("stat a owned", lambda: st(P("d", "a")))
step("utime a", lambda: os.utime(P("d", "a"), ns=(1_000_000_123, 2_000_000_456)))
step("times a", lambda: [os.stat(P("d", "a")).st_atime_ns, os.stat(P("d", "a")).st_mtime_ns])
step("utime a mtime only (atime omitted)", lambda: os.utime(P("d", "a"), ns=(1_000_000_123, 3_000_000_789)))
step("times a again", lambda: [os.stat(P("d", "a")).st_atime_ns, os.stat(P("d", "a")).st_mtime_ns])
step("utimensat mtime only", lambda: utimensat_mtime_only(P("d", "a"), 4_000_000))
step("times a after mtime-only change", lambda: [os.stat(P("d", "a")).st_atime_ns, os.stat(P("d", "a")).st_mtime_ns])
step("symlink s -> a", lambda: os.symlink("a", P("d", "s")))
step("readlink s", lambda: os.readlink(P("d", "s")))
step("lstat s", lambda: st(P("d", "s"), follow=False))
step("read through s", lambda: read(P("d", "s")))
step("readlink of a file", lambda: os.readlink(P("d", "a")))
step("link b -> a", lambda: os.link(P("d", "a"), P("d", "b")))
step("stat b", lambda: st(P("d", "b")))
step("write via b", lambda: write(P("d", "b"), b"shared", os.O_WRONLY))
step("read via a", lambda: read(P("d", "a")))
step("link onto existing", lambda: os.link(P("d", "a"), P("d", "b")))
step("mkfifo p", lambda: os.mkfifo(P("d", "p"), 0o640))
step("lstat p", lambda: st(P("d", "p"), follow=False))
step("mknod char device", lambda: os.mknod(P("d", "c"), 0o600 | stat.S_IFCHR, os.makedev(1, 3)))
step("xattr set", lambda: os.setxattr(P("d", "a"), "user.color", b"blue"))
step("xattr set create-only again", lambda: os.setxattr(P("d", "a"), "user.color", b"red", os.XATTR_CREATE))
step("xattr replace missing", lambda: os.setxattr(P("d", "a"), "user.size", b"1", os.XATTR_REPLACE))
step("xattr get", lambda: os.getxattr(P("d", "a"), "user.color").decode())
step("xattr get missing", lambda: os.getxattr(P("d", "a"), "user.none"))
step("xattr set second", lambda: os.setxattr(P("d", "a"), "user.shape", b"round"))
step("xattr list", lambda: sorted(os.listxattr(P("d", "a"))))
step("xattr remove", lambda: os.removexattr(P("d", "a"), "user.color"))
step("xattr remove missing", lambda: os.removexattr(P("d", "a"), "user.color"))
step("xattr list after remove", lambda: sorted(os.listxattr(P("d", "a"))))
step("mkdir d/sub", lambda: os.mkdir(P("d", "sub"), 0o700))
step("create d/sub/deep", lambda: write(P("d", "sub", "deep"), b"deep data"))
step("listdir d", lambda: sorted(os.listdir(P("d"))))
step("stat d nlink", lambda: st(P("d")))
step("rename b -> c2", lambda: os.rename(P("d", "b"), P("d", "c2")))
step("stat b gone", lambda: st(P("d", "b")))
step("rename dir d -> e", lambda: os.rename(P("d"), P("e")))
step("read moved subtree", lambda: read(P("e", "sub", "deep")))
step("stat old path", lambda: st(P("d", "a")))
step("rename back e -> d", lambda: os.rename(P("e"), P("d")))
step("rename over existing file", lambda: os.rename(P("d", "c2"), P("d", "sub", "deep")))
step("read replaced", lambda: read(P("d", "sub", "deep")))
step("rename dir into itself", lambda: os.rename(P("d", "sub"), P("d", "sub", "x")))
step("rename file over dir", lambda: os.rename(P("d", "a"), P("d", "sub")))
step("rmdir non-empty", lambda: os.rmdir(P("d", "sub")))
step("rmdir a file", lambda: os.rmdir(P("d", "a")))
step("unlink a dir", lambda: os.unlink(P("d", "sub")))
step("unlink missing", lambda: os.unlink(P("d", "missing")))
step("open missing", lambda: read(P("d", "missing")))
step("open dir for write", lambda: os.open(P("d"), os.O_WRONLY))
step("create in missing dir", lambda: write(P("nope", "x"), b"x"))
step("read unlinked while open", pread_after_unlink)
step("fsync", lambda: (lambda fd: (os.fsync(fd), os.fdatasync(fd), os.close(fd))[0])(os.open(P("d", "a"), os.O_RDWR)))
step("fallocate (not implemented)", lambda: fallocate(P("d", "a")))
step("access R_OK", lambda: os.access(P("d", "a"), os.R_OK))
step("access missing", lambda: os.access(P("d", "zzz"), os.F_OK))
step("statvfs", lambda: (lambda v: [v.f_bsize, v.f_frsize, v.f_blocks, v.f_bfree, v.f_bavail, v.f_files, v.f_ffree, v.f_namemax])(os.statvfs(root)))
step("renameat2 NOREPLACE", lambda: renameat2(P("d", "a"), P("d", "zz"), 1))
step("mkdir shared 0777", lambda: (os.mkdir(P("shared")), os.chmod(P("shared"), 0o777))[0])
step("create as uid 1000", lambda: as_user(1000, 1000, lambda: write(P("shared", "mine"), b"m")))
step("owner of file made by uid 1000", lambda: st(P("shared", "mine")))
step("mkdir many", lambda: [os.mkdir(P("many"))] and None)
step("create 300 names", lambda: [write(P("many", f"file-{i:04d}-" + "x" * 40), b"") for i in range(300)] and 300)
step("listdir many", lambda: sorted(os.listdir(P("many"))) == [f"file-{i:04d}-" + "x" * 40 for i in range(300)])
step("scandir types", lambda: sorted((e.name, e.is_dir(follow_symlinks=False)) for e in os.scandir(P("d"))))
step("remove many", lambda: [os.unlink(P("many", n)) for n in os.listdir(P("many"))] and os.rmdir(P("many")))
step("big write and read back", lambda: (write(P("d", "big"), bytes(range(256)) * 4096), read(P("d", "big")) == (bytes(range(256)) * 4096).decode("latin-1"))[1])

for line in out:
    print(json.dumps(line, sort_keys=True))
