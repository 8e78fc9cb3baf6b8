/** Ready filesystems and the {@code uringfuse} command. */
module org.uringfuse.export {
  requires org.uringfuse.fuse;
  requires info.picocli;
  requires jdk.unsupported;
  requires java.logging;
  opens org.uringfuse.export.cli to info.picocli;
}
