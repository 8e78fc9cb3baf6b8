"""POSIX checks run against one directory, as whichever user runs this; one line per step.

Each line is "step: result", where a result is the errno name of a failure, or values that do not
depend on when or where the run happened (modes in octal, owners as self/root/other, link counts,
sizes, whether a time moved). Run against a backing directory and against a mount of it, the two
outputs must be equal. The directory must hold what prepare() in PosixCompareIT makes: shared/
(0777), sticky/ (1777) with others-file (another user's), p1/ and p2/ (0777) with p1/D (another
user's directory), and secret (0600, root's).
"""
import errno
import os
import stat
import sys
import time

root = sys.argv[1]
me = os.getuid()
out = []


def who(uid):
    return "self" if uid == me else "root" if uid == 0 else "other"


def step(name, fn):
    try:
        r = fn()
        out.append("%s: %s" % (name, "ok" if r is None else r))
    except OSError as e:
        out.append("%s: %s" % (name, errno.errorcode.get(e.errno, e.errno)))


def st(path, follow=False):
    s = os.stat(path) if follow else os.lstat(path)
    return "mode %o owner %s nlink %d size %d" % (stat.S_IMODE(s.st_mode) | stat.S_IFMT(s.st_mode), who(s.st_uid),
                                               s.st_nlink, s.st_size if stat.S_ISREG(s.st_mode) else -1)


def p(*parts):
    return os.path.join(root, "shared", *parts)


os.umask(0o022)
step("create 0666 umask 022", lambda: os.close(os.open(p("f"), os.O_CREAT | os.O_WRONLY, 0o666)))
step("stat f", lambda: st(p("f")))
os.umask(0)
step("create 0620 umask 0", lambda: os.close(os.open(p("g"), os.O_CREAT | os.O_WRONLY, 0o620)))
step("stat g", lambda: st(p("g")))
step("create excl existing", lambda: os.open(p("g"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
os.umask(0o022)
step("mkdir 0777", lambda: os.mkdir(p("d"), 0o777))
step("stat d", lambda: st(p("d")))
step("mkdir existing", lambda: os.mkdir(p("d")))
step("write", lambda: os.write(os.open(p("f"), os.O_WRONLY | os.O_APPEND), b"0123456789"))
step("stat f after write", lambda: st(p("f")))
step("truncate 3", lambda: os.truncate(p("f"), 3))
step("read back", lambda: open(p("f"), "rb").read())
step("truncate dir", lambda: os.truncate(p("d"), 0))
step("open dir for writing", lambda: os.open(p("d"), os.O_WRONLY))
step("open file as dir", lambda: os.open(p("f"), os.O_RDONLY | os.O_DIRECTORY))
step("chmod 4755", lambda: os.chmod(p("f"), 0o4755))
step("stat f chmod", lambda: st(p("f")))
step("chown to root", lambda: os.chown(p("f"), 0, -1))
step("chgrp to own group", lambda: os.chown(p("f"), -1, os.getgid()))
step("chmod secret", lambda: os.chmod(os.path.join(root, "secret"), 0o666))
step("read secret", lambda: open(os.path.join(root, "secret")).read())
step("write secret", lambda: os.open(os.path.join(root, "secret"), os.O_WRONLY))
step("utime explicit", lambda: os.utime(p("f"), ns=(1_600_000_000_123_456_789, 1_500_000_000_987_654_321)))
step("times after utime", lambda: (os.stat(p("f")).st_atime_ns, os.stat(p("f")).st_mtime_ns))
step("utime now", lambda: os.utime(p("f")))
step("mtime moved", lambda: os.stat(p("f")).st_mtime_ns > 1_500_000_000_987_654_321)
step("utime someone else's file", lambda: os.utime(os.path.join(root, "sticky", "others-file"),
                                                    ns=(1, 1)))
step("link", lambda: os.link(p("f"), p("f2")))
step("nlink", lambda: (os.stat(p("f")).st_nlink, os.stat(p("f2")).st_ino == os.stat(p("f")).st_ino))
step("link existing", lambda: os.link(p("f"), p("f2")))
step("link dir", lambda: os.link(p("d"), p("d2")))
step("symlink", lambda: os.symlink("f", p("s")))
step("readlink", lambda: os.readlink(p("s")))
step("stat s", lambda: st(p("s")))
step("open nofollow symlink", lambda: os.open(p("s"), os.O_RDONLY | os.O_NOFOLLOW))
step("open nofollow file", lambda: os.close(os.open(p("f"), os.O_RDONLY | os.O_NOFOLLOW)))
step("mkfifo", lambda: os.mkfifo(p("fifo"), 0o640))
step("stat fifo", lambda: st(p("fifo")))
step("mknod char", lambda: os.mknod(p("null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3)))
step("xattr set", lambda: os.setxattr(p("f"), "user.k", b"v"))
step("xattr get", lambda: os.getxattr(p("f"), "user.k"))
step("xattr missing", lambda: os.getxattr(p("f"), "user.nope"))
step("xattr list", lambda: sorted(os.listxattr(p("f"))))
step("xattr remove", lambda: os.removexattr(p("f"), "user.k"))
step("xattr remove missing", lambda: os.removexattr(p("f"), "user.k"))
step("xattr on symlink", lambda: os.setxattr(p("s"), "user.k", b"v", follow_symlinks=False))
step("rename over file", lambda: os.rename(p("f2"), p("g")))
step("nlink after rename over", lambda: os.stat(p("f")).st_nlink)
step("rename file over dir", lambda: os.rename(p("g"), p("d")))
step("rename dir over file", lambda: os.rename(p("d"), p("g")))
step("rename dir into itself", lambda: os.rename(p("d"), p("d", "sub")))
step("rename missing", lambda: os.rename(p("nope"), p("x")))
step("mkdir nonempty target", lambda: (os.mkdir(p("e")), os.mkdir(p("e", "x")))[0])
step("rename dir over nonempty", lambda: os.rename(p("d"), p("e")))
step("rmdir nonempty", lambda: os.rmdir(p("e")))
step("rmdir file", lambda: os.rmdir(p("f")))
step("unlink dir", lambda: os.unlink(p("d")))
step("unlink missing", lambda: os.unlink(p("nope")))
step("listing", lambda: sorted(os.listdir(p())))
step("sticky: unlink another's file", lambda: os.unlink(os.path.join(root, "sticky", "others-file")))
step("sticky: rename another's file", lambda: os.rename(os.path.join(root, "sticky", "others-file"),
                                                        os.path.join(root, "sticky", "mine")))
step("sticky: create own", lambda: os.close(os.open(os.path.join(root, "sticky", "own"), os.O_CREAT | os.O_WRONLY)))
step("sticky: unlink own", lambda: os.unlink(os.path.join(root, "sticky", "own")))
for i in range(3):
    step("move another's dir p1->p2 #%d" % i, lambda: os.rename(os.path.join(root, "p1", "D"), os.path.join(root, "p2", "D")))
    step("move another's dir back #%d" % i, lambda: os.rename(os.path.join(root, "p2", "D"), os.path.join(root, "p1", "D")))
step("access f rw", lambda: os.access(p("f"), os.R_OK | os.W_OK))
step("access secret r", lambda: os.access(os.path.join(root, "secret"), os.R_OK))
step("statvfs namemax", lambda: os.statvfs(root).f_namemax)
step("long name", lambda: os.close(os.open(p("x" * 256), os.O_CREAT | os.O_WRONLY)))
step("unlink f", lambda: os.unlink(p("f")))
step("final listing", lambda: sorted(os.listdir(p())))
print("\n".join(out))
