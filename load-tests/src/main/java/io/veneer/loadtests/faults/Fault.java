package io.veneer.loadtests.faults;

import io.veneer.loadtests.fleet.PowerSwitch;
import io.veneer.loadtests.stack.ControlPlaneProcess;
import io.veneer.loadtests.stack.StormStack;
import java.time.Duration;
import java.util.List;

/**
 * A fault the suite injects during a storm, and how it ends. Each is real: agents die with their
 * guests, links are cut for as long as the control plane's own timers need to notice, a replica
 * gets SIGKILL; nothing calls the control plane's steps or edits its rows.
 */
public sealed interface Fault {

  /** Its name in the history and in docs/reliability.md. */
  String name();

  /** What it hits, for the history. */
  String targets();

  void inject(StormStack stack) throws Exception;

  /** Ends it: waits what it must, then heals or restarts what was hit. */
  void end(StormStack stack) throws Exception;

  /** A tenth of the fleet's hosts (at least one), from the end of the fleet. */
  static List<String> aTenthOf(List<String> hosts) {
    int count = Math.max(1, hosts.size() / 10);
    return hosts.subList(hosts.size() - count, hosts.size());
  }

  /**
   * The agents die as by SIGKILL, their guests with them, and are started again after a while; an
   * admin resumes the hosts the control plane gave up meanwhile.
   */
  record AgentsKilled(List<String> hosts, Duration down) implements Fault {
    @Override
    public String name() {
      return "agents-killed";
    }

    @Override
    public String targets() {
      return String.join(",", hosts);
    }

    @Override
    public void inject(StormStack stack) {
      stack.fleet().kill(hosts);
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      Thread.sleep(down.toMillis());
      stack.fleet().restart(hosts);
      stack.resumeUnreachable(hosts);
    }
  }

  /**
   * The hosts are cut off the control plane for longer than its heartbeat grace, so that its
   * reconciler, on its own schedule, gives them up as UNREACHABLE; then the links heal and an admin
   * resumes the hosts (the control plane never takes an UNREACHABLE host back on its agent's word).
   */
  record Partition(List<String> hosts, Duration cut) implements Fault {
    @Override
    public String name() {
      return "agents-partitioned";
    }

    @Override
    public String targets() {
      return String.join(",", hosts);
    }

    @Override
    public void inject(StormStack stack) {
      stack.fleet().partition(hosts);
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      Thread.sleep(cut.toMillis());
      stack.fleet().heal(hosts);
      List<String> givenUp = stack.resumeUnreachable(hosts);
      if (givenUp.size() != hosts.size()) {
        throw new IllegalStateException(
            "The partition did not outlast the heartbeat grace: of "
                + hosts
                + " only "
                + givenUp
                + " were UNREACHABLE; cut them for longer");
      }
    }
  }

  /**
   * One host falls silent (its link cut, its agent and guests running on, as behind a broken
   * switch) with a power outlet on the fleet's simulated PDU: past the grace the control plane runs
   * its fence command, the PDU cuts the host's power (its agent dies with its guests), the host is
   * FENCED with no admin, and its pooled desktops run elsewhere. Then the host is powered on again:
   * it stays FENCED (its agent's token was revoked) until an admin takes it back.
   */
  record PowerFenced(String host, PowerSwitch power, Duration patience) implements Fault {
    @Override
    public String name() {
      return "power-fenced";
    }

    @Override
    public String targets() {
      return host;
    }

    @Override
    public void inject(StormStack stack) {
      power.wire(host);
      stack.fleet().partition(List.of(host));
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      long deadline = System.nanoTime() + patience.toNanos();
      while (!stack.hostState(host).equals("FENCED")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              host + " was not FENCED within " + patience + ": " + stack.hostState(host));
        }
        Thread.sleep(250);
      }
      if (!power.poweredOff(host)) {
        throw new IllegalStateException(host + " is FENCED but its power was never cut");
      }
      stack.fleet().restart(List.of(host));
    }
  }

  /**
   * One host's driver hangs on every stop (a guest that ignores its power-off, a wedged
   * hypervisor): the run's desktops RUNNING on it and as many elsewhere are restarted; those on it
   * must be reported stuck with a reason while the host keeps beating and the others run again.
   * Then the stops return, and the stuck desktops finish their restart.
   */
  record StopsHang(String host, Duration hang, Duration grace) implements Fault {
    @Override
    public String name() {
      return "stops-hang";
    }

    @Override
    public String targets() {
      return host;
    }

    @Override
    public void inject(StormStack stack) {
      stack.fleet().hangStops(host);
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      StuckStops stuck = new StuckStops(stack, host, name());
      try {
        stuck.restart(hang);
        stuck.watch(hang);
      } finally {
        stack.fleet().releaseStops(host);
      }
      stuck.requireSeen(grace);
    }
  }

  /**
   * PostgreSQL stops (fast shutdown: its connections closed, new ones refused) and starts again on
   * the same port and data after {@code down}: meanwhile the replicas answer 503 with Retry-After,
   * which clients honour before retrying with the same idempotency key; nothing is restarted but
   * PostgreSQL.
   */
  record DatabaseStopped(Duration down) implements Fault {
    @Override
    public String name() {
      return "database-stopped";
    }

    @Override
    public String targets() {
      return "PostgreSQL";
    }

    @Override
    public void inject(StormStack stack) {
      stack.databaseServer().stop();
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      Thread.sleep(down.toMillis());
      stack.databaseServer().start();
    }
  }

  /**
   * Kafka unreachable for {@code down}: every connection to it cut and new ones refused (the
   * replicas' relays, the history's reader). Requests must go on being answered, the outbox must
   * hold the events meanwhile, and the relay must deliver each once, in order per key, afterwards.
   */
  record KafkaUnreachable(Duration down) implements Fault {
    @Override
    public String name() {
      return "kafka-unreachable";
    }

    @Override
    public String targets() {
      return "Kafka";
    }

    @Override
    public void inject(StormStack stack) {
      stack.kafka().goAway();
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      Thread.sleep(down.toMillis());
      stack.kafka().comeBack();
    }
  }

  /**
   * Keycloak unreachable from the replicas for {@code down} (their link to its keys cut): the
   * tokens already issued keep working, checked against the keys the replicas hold.
   */
  record KeycloakUnreachable(Duration down) implements Fault {
    @Override
    public String name() {
      return "keycloak-unreachable";
    }

    @Override
    public String targets() {
      return "Keycloak";
    }

    @Override
    public void inject(StormStack stack) {
      stack.keycloakLink().cut();
    }

    @Override
    public void end(StormStack stack) throws InterruptedException {
      Thread.sleep(down.toMillis());
      stack.keycloakLink().restore();
    }
  }

  /**
   * The last replica gets SIGKILL mid-storm; its agents' links then lead to the replica left, as a
   * load balancer's would, and clients retry their requests there with the same idempotency keys.
   */
  record ReplicaKilled() implements Fault {
    @Override
    public String name() {
      return "replica-killed";
    }

    @Override
    public String targets() {
      return "the last replica";
    }

    @Override
    public void inject(StormStack stack) throws InterruptedException {
      List<ControlPlaneProcess> replicas = stack.replicas();
      if (replicas.size() < 2) {
        throw new IllegalStateException("Killing a replica needs at least two");
      }
      ControlPlaneProcess victim = replicas.getLast();
      victim.kill();
      stack.fleet().redirect(victim.agentPort(), replicas.getFirst().agentPort());
    }

    @Override
    public void end(StormStack stack) {
      // Nothing comes back: the replica left carries on alone.
    }
  }
}
