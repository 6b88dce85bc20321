package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.veneer.api.v1.DesktopServiceGrpc;
import io.veneer.api.v1.ListDesktopsRequest;
import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.api.grpc.ApiGrpcServer;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.RestartablePostgres;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Fault 5 of the reliability suite: PostgreSQL really stopped and started again under a running
 * control plane. While it is down, REST answers 503 problem+json with {@code Retry-After} and gRPC
 * UNAVAILABLE with a RetryInfo, never an internal error, and a refused request creates nothing;
 * once it is back the same control plane answers again, nothing restarted.
 */
class DatabaseOutageRestApiTest {

  private static final Logger log = LoggerFactory.getLogger(DatabaseOutageRestApiTest.class);

  /** Short, so that each request made during the outage is answered within a second. */
  private static final int CONNECTION_TIMEOUT_MILLIS = 1_000;

  private static final Duration OUTAGE = Duration.ofSeconds(6);
  private static final Duration RECOVERY_PATIENCE = Duration.ofSeconds(30);

  private static RestartablePostgres postgres;
  private static ConfigurableApplicationContext controlPlane;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + run;
  private final String aliceToken = TestTokens.user(alice);

  @BeforeAll
  static void startAControlPlaneOnAPostgresThatCanBeStopped() {
    postgres = RestartablePostgres.startNew();
    PostgresDatabase db = postgres.createDatabase("database_outage");
    KafkaTopics topics = TestKafka.freshTopics(DatabaseOutageRestApiTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.start(
            db,
            topics,
            "spring.datasource.hikari.connection-timeout=" + CONNECTION_TIMEOUT_MILLIS,
            "veneer.reconciler.interval-millis=200");
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void answers503WithRetryAfterWhileStoppedAndRecoversWithoutARestart() throws Exception {
    String pool = poolForAlice();
    RestClientForTests rest = new RestClientForTests(StandaloneControlPlane.restPort(controlPlane));
    String desktops = "/api/v1/desktops";
    String create = "{\"poolId\":\"" + pool + "\"}";
    String key = "outage-" + run;
    assertThat(rest.get(desktops, aliceToken).status()).isEqualTo(200);
    ManagedChannel channel = TestTls.channel(controlPlane.getBean(ApiGrpcServer.class).port());

    try {
      postgres.stop();
      long downUntil = System.nanoTime() + OUTAGE.toNanos();
      int refusals = 0;
      while (System.nanoTime() < downUntil) {
        assertServiceUnavailable(rest.get(desktops, aliceToken));
        assertServiceUnavailable(rest.call("POST", "/api/v1/desktops", aliceToken, create, key));
        StatusRuntimeException grpc =
            catchStatus(() -> desktopsOverGrpc(channel).listDesktops(list(pool)));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(StatusProto.fromThrowable(grpc).getDetails(0).unpack(RetryInfo.class))
            .extracting(r -> r.getRetryDelay().getSeconds())
            .isEqualTo(5L);
        refusals++;
      }
      assertThat(refusals).as("requests answered while PostgreSQL was down").isPositive();

      postgres.start();
      long restarted = System.nanoTime();
      awaitOk(() -> rest.get(desktops, aliceToken).status());
      log.info(
          "event=database-outage.recovered outage={} refusals={} recoveredInMs={}",
          OUTAGE,
          refusals,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));

      assertThat(rest.get(desktops, aliceToken).body().get("items"))
          .as("the creations refused during the outage created nothing")
          .isEmpty();
      assertThat(desktopsOverGrpc(channel).listDesktops(list(pool)).getDesktopsCount()).isZero();
      RestClientForTests.Response created =
          rest.call("POST", "/api/v1/desktops", aliceToken, create, key);
      assertThat(created.status()).isEqualTo(201);
      RestClientForTests.Response again =
          rest.call("POST", "/api/v1/desktops", aliceToken, create, key);
      assertThat(again.body().get("id")).isEqualTo(created.body().get("id"));
      assertThat(rest.get(desktops, aliceToken).body().get("items")).hasSize(1);
    } finally {
      channel.shutdownNow();
      postgres.start();
    }
  }

  private static void assertServiceUnavailable(RestClientForTests.Response response) {
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body().get("type").asString())
        .isEqualTo("https://veneer.io/problems/database-unavailable");
  }

  private static void awaitOk(java.util.function.IntSupplier status) throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY_PATIENCE.toNanos();
    int last = status.getAsInt();
    while (last != 200) {
      assertThat(last).as("while PostgreSQL comes back").isIn(200, 503);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not answering 200 within " + RECOVERY_PATIENCE);
      }
      Thread.sleep(200);
      last = status.getAsInt();
    }
  }

  private String poolForAlice() {
    return controlPlane
        .getBean(PoolService.class)
        .create(
            Caller.admin("admin"),
            new PoolSpec(
                "outage-" + run,
                PoolKind.POOLED,
                "tiny",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 1024, 10),
                0,
                2,
                0,
                1,
                Set.of(alice),
                Set.of()),
            null)
        .id()
        .toString();
  }

  private static ListDesktopsRequest list(String pool) {
    return ListDesktopsRequest.newBuilder().setPoolId(pool).build();
  }

  private DesktopServiceGrpc.DesktopServiceBlockingStub desktopsOverGrpc(ManagedChannel channel) {
    return DesktopServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(aliceToken))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("The call succeeded while PostgreSQL was down");
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }
}
