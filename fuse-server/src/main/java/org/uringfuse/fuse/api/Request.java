package org.uringfuse.fuse.api;

/**
 * The context of one request: who asked, and the I/O of the event loop it runs on. Valid until the
 * request is answered. {@link #io()} is where a filesystem may submit its own SQEs and reply from
 * their completion, without copies or thread hand-offs.
 */
public interface Request {
  /** The kernel's id of this request. */
  long unique();

  /** {@code FUSE_*} opcode. */
  int opcode();

  /** Caller's uid, gid and pid (thread id) as the kernel reports them. */
  int uid();

  int gid();

  int pid();

  /**
   * Supplementary groups the kernel sent with a CREATE, MKDIR, MKNOD or SYMLINK (when the filesystem
   * asks for FUSE_CREATE_SUPP_GROUP: the parent directory's group, when the caller belongs to it only
   * as a supplementary group). Empty otherwise. A server that creates with the caller's identity
   * adds these to it, so a group-writable parent works as it does locally.
   */
  int[] supplementaryGroups();

  /**
   * True when the kernel asks the filesystem to clear the set-user-ID bit, and the set-group-ID bit
   * of a group-executable file, as part of this OPEN with O_TRUNC, CREATE, WRITE or SETATTR: the
   * caller lacks CAP_FSETID ({@code FUSE_OPEN_KILL_SUIDGID}, {@code FUSE_WRITE_KILL_SUIDGID},
   * {@code FATTR_KILL_SUIDGID}, with HANDLE_KILLPRIV_V2). A server that writes with more privilege
   * than its caller must honour it, or a set-uid file stays set-uid after someone else rewrote it.
   * For a SETXATTR of a POSIX ACL ({@code FUSE_SETXATTR_ACL_KILL_SGID}): clear the set-group-ID bit.
   */
  boolean killSuidGid();

  /** True once the kernel asked to interrupt this request (the caller got a signal). */
  boolean isInterrupted();

  /** Submitting I/O on the loop this request is served on (replies may come from any thread). */
  RequestIo io();
}
