/** Ready filesystems and the {@code uringfuse} command. */
module org.uringfuse.export {
  requires org.uringfuse.fuse;
  requires info.picocli;
  requires jdk.unsupported;
  opens org.uringfuse.export.cli to info.picocli;
}
