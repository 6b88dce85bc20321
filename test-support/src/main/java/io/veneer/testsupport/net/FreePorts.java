package io.veneer.testsupport.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts in another process. A port the kernel hands out for port 0 comes
 * from the ephemeral range, where any outgoing connection (a Kafka client's, a JDBC pool's) may
 * take it in the seconds before the server binds it; these come from below that range, are free on
 * every address when handed out, and are never handed out twice by one JVM.
 */
public final class FreePorts {

  // Linux's ephemeral range starts at 32768; registered services mostly sit below 20000.
  private static final int LOWEST = 20000;
  private static final int HIGHEST = 32767;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
      if (isFree(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No free port between " + LOWEST + " and " + HIGHEST);
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
