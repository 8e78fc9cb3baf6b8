package org.uringfuse.export.passthrough;

/**
 * Passthrough settings.
 *
 * @param entryTimeoutNanos how long the kernel may cache names (0: ask every time; safe when
 *     others change the backing directory)
 * @param attrTimeoutNanos how long the kernel may cache attributes
 * @param readOnly refuse every change with EROFS
 */
public record PassthroughOptions(long entryTimeoutNanos, long attrTimeoutNanos, boolean readOnly) {
  public static PassthroughOptions defaults() {
    return new PassthroughOptions(0, 0, false);
  }

  public PassthroughOptions withEntryTimeoutNanos(long v) {
    return new PassthroughOptions(v, attrTimeoutNanos, readOnly);
  }

  public PassthroughOptions withAttrTimeoutNanos(long v) {
    return new PassthroughOptions(entryTimeoutNanos, v, readOnly);
  }

  public PassthroughOptions withReadOnly(boolean v) {
    return new PassthroughOptions(entryTimeoutNanos, attrTimeoutNanos, v);
  }
}
