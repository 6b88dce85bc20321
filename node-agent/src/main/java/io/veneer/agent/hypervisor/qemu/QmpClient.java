package io.veneer.agent.hypervisor.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small QMP client: JSON lines over a guest's unix socket. One connection per call keeps it
 * stateless; QMP accepts one client at a time, so calls are short.
 */
final class QmpClient implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SocketChannel channel;
  private final BufferedReader reader;

  private QmpClient(SocketChannel channel) {
    this.channel = channel;
    this.reader =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
  }

  static QmpClient connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
      QmpClient client = new QmpClient(channel);
      client.readReply();
      client.execute("qmp_capabilities", Map.of());
      return client;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** Runs a command and returns its {@code return} value. */
  JsonNode execute(String command, Map<String, Object> arguments) throws IOException {
    String request =
        JSON.writeValueAsString(
            arguments.isEmpty()
                ? Map.of("execute", command)
                : Map.of("execute", command, "arguments", arguments));
    channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
    JsonNode reply = readReply();
    if (reply.has("error")) {
      throw new IOException(
          "QMP "
              + command
              + " failed: "
              + reply.path("error").path("desc").asString("unknown error"));
    }
    return reply.path("return");
  }

  /** The next line that is not an asynchronous event. */
  private JsonNode readReply() throws IOException {
    while (true) {
      String line = reader.readLine();
      if (line == null) {
        throw new IOException("QMP connection closed");
      }
      JsonNode message = JSON.readTree(line);
      if (!message.has("event")) {
        return message;
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
