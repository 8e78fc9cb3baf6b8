package org.uringfuse.fuse.proto;

/** A request the kernel sent that does not fit its opcode's layout; answered EIO, never fatal. */
public final class MalformedRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedRequestException(String message) {
    super(message);
  }
}
