package dev.nines.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a port of its own to a target address. Shut, nothing listens on its port
 * (connection refused) and the connections through it are cut: to its clients, the target is
 * down, exactly as when the process behind it stops. Opened again, on the same port.
 */
final class Forwarder implements AutoCloseable {
  private final int port;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket server;

  Forwarder(int port, InetSocketAddress target) {
    this.port = port;
    this.target = target;
  }

  String url() {
    return "http://localhost:" + port;
  }

  synchronized void open() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("localhost", port));
    server = s;
    daemon("forwarder-accept", () -> accept(s));
  }

  synchronized void shut() {
    if (server != null) {
      closeQuietly(server);
      server = null;
    }
    open.forEach(Forwarder::closeQuietly);
    open.clear();
  }

  @Override
  public void close() {
    shut();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 5_000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        open.add(client);
        open.add(upstream);
        daemon("forwarder-up", () -> pump(client, upstream));
        daemon("forwarder-down", () -> pump(upstream, client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException cut) {
      // a side closed, or the forwarder was shut
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
