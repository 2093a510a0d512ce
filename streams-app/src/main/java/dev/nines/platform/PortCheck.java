package dev.nines.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Port helpers: refuse to start on a busy port with a clear line, and find free ports for tests. */
public final class PortCheck {
  private PortCheck() {}

  /** Throws {@link IllegalStateException} naming the port and the setting that moves it. */
  public static void requireFree(String host, int port, String what, String setting) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException(
          what
              + " cannot use "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): stop what holds it or choose another port with "
              + setting);
    }
  }

  /** A port free right now on the loopback interface (tests use these for unique listeners). */
  public static int freePort() {
    return freePorts(1).get(0);
  }

  /**
   * {@code n} different ports free right now on the loopback interface. They are held together
   * while chosen: one by one, a port just released can be handed out again.
   */
  public static List<Integer> freePorts(int n) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        held.add(s);
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new IllegalStateException("no " + n + " free ports on loopback", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listening socket nobody connected to: nothing to recover
        }
      }
    }
  }
}
