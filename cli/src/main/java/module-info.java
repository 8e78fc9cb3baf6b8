/** The {@code uringfuse} command: mount, umount, stats and probe, over the exports. */
module org.uringfuse.cli {
  requires org.uringfuse.export;
  requires info.picocli;
  requires java.logging;
  opens org.uringfuse.cli to info.picocli;
}
