package org.uringfuse.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest when packaged, else "development build". */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"uringfuse " + (v == null ? "development build" : v),
        "Java " + Runtime.version() + ", Linux " + System.getProperty("os.version")};
  }
}
