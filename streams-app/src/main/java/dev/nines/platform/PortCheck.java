package dev.nines.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers: refuse to start on a busy port with a clear line, and find free ports for tests. */
public final class PortCheck {
  private PortCheck() {}

  /** Throws {@link IllegalStateException} naming the port and the setting that moves it. */
  public static void requireFree(String host, int port, String what, String setting) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException(what + " cannot use " + host + ":" + port
          + " (" + e.getMessage() + "): stop what holds it or choose another port with " + setting);
    }
  }

  /** A port free right now on the loopback interface (tests use these for unique listeners). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on loopback", e);
    }
  }
}
