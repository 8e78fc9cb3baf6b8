/** Ready filesystems: the passthrough directory export and the disk-image export. */
module org.uringfuse.export {
  requires transitive org.uringfuse.fuse;
  exports org.uringfuse.export.passthrough;
  exports org.uringfuse.export.image;
}
