import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesiredSet;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in control plane for load measurements of one node agent, run from the shaded jar:
 *
 * <pre>java -cp node-agent/target/node-agent.jar node-agent/bench/FakeControlPlane.java 200</pre>
 *
 * It serves the real veneer.agent.v1 contract on a free loopback port, answers the agent's Hello
 * with N running desktops (heartbeats every second), serves their golden blob over HTTP, and prints
 * one line per milestone on stdout ("listening port=..", "hello ..", "converged running=N ..",
 * "heartbeats=.."), which bench/rss-simulated.sh waits for.
 */
public final class FakeControlPlane {

  public static void main(String[] args) throws Exception {
    int desktops = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    byte[] golden = "veneer bench golden image\n".getBytes(StandardCharsets.UTF_8);
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(golden));

    HttpServer blobs =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    blobs.createContext(
        "/api/v1/blobs/",
        exchange -> {
          exchange.sendResponseHeaders(200, golden.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(golden);
          }
        });
    blobs.start();
    BlobRef blob =
        BlobRef.newBuilder()
            .setDigest("sha256:" + hex)
            .setFetchUrl(
                "http://127.0.0.1:" + blobs.getAddress().getPort() + "/api/v1/blobs/sha256:" + hex)
            .setSizeBytes(golden.length)
            .build();

    DesiredSet.Builder set = DesiredSet.newBuilder().setHeartbeatIntervalSeconds(1);
    for (int i = 0; i < desktops; i++) {
      set.addDesktops(
          DesiredDesktop.newBuilder()
              .setDesktopId(new UUID(0xbe4c4L, i).toString())
              .setSpecGeneration(1)
              .setOsDiskGeneration(1)
              .setPoolId("bench-pool")
              .setGoldenImage(blob)
              .setSize(Capacity.newBuilder().setVcpus(1).setMemoryMib(512).setDiskGib(8))
              .setHardware(
                  HardwareProfile.newBuilder()
                      .setMachine(MachineType.MACHINE_TYPE_Q35)
                      .setBootMode(BootMode.BOOT_MODE_DISK))
              .setPowerState(PowerState.POWER_STATE_RUNNING));
    }
    ControlMessage desiredSet = ControlMessage.newBuilder().setDesiredSet(set).build();

    Map<String, ObservedState> states = new ConcurrentHashMap<>();
    AtomicInteger heartbeats = new AtomicInteger();
    long[] helloAt = new long[1];
    boolean[] converged = new boolean[1];
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new AgentServiceGrpc.AgentServiceImplBase() {
                  @Override
                  public StreamObserver<AgentMessage> connect(
                      StreamObserver<ControlMessage> agent) {
                    return new StreamObserver<>() {
                      @Override
                      public synchronized void onNext(AgentMessage message) {
                        switch (message.getKindCase()) {
                          case HELLO -> {
                            helloAt[0] = System.nanoTime();
                            System.out.println(
                                "hello host="
                                    + message.getHello().getHostId()
                                    + " hypervisor="
                                    + message.getHello().getHypervisor()
                                    + " inventory="
                                    + message.getHello().getInventoryCount());
                            agent.onNext(desiredSet);
                          }
                          case STATUS -> {
                            states.put(
                                message.getStatus().getDesktopId(), message.getStatus().getState());
                            long running =
                                states.values().stream()
                                    .filter(s -> s == ObservedState.OBSERVED_STATE_RUNNING)
                                    .count();
                            if (!converged[0] && running == desktops) {
                              converged[0] = true;
                              System.out.printf(
                                  "converged running=%d after_ms=%d%n",
                                  running, (System.nanoTime() - helloAt[0]) / 1_000_000);
                            }
                          }
                          case HEARTBEAT -> {
                            int count = heartbeats.incrementAndGet();
                            if (count % 10 == 0) {
                              System.out.println(
                                  "heartbeats="
                                      + count
                                      + " running_reported="
                                      + message.getHeartbeat().getRunningDesktops());
                            }
                          }
                          default -> {}
                        }
                      }

                      @Override
                      public void onError(Throwable t) {
                        System.out.println("stream-error " + t);
                      }

                      @Override
                      public void onCompleted() {
                        agent.onCompleted();
                      }
                    };
                  }
                })
            .build()
            .start();
    System.out.println("listening port=" + server.getPort() + " desktops=" + desktops);
    server.awaitTermination();
  }
}
