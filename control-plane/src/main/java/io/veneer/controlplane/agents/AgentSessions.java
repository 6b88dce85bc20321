package io.veneer.controlplane.agents;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesiredSet;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.controlplane.console.ConsoleGrants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The agents connected to this replica, and what each was last told. A change to a host's desired
 * desktops, made by any replica, reaches here through {@link DesiredChangesListener}; the agent
 * then receives only the difference: upserts for new or changed desktops, removals for the others.
 * Each look at a host also checks that the token its stream was opened with is still the host's: a
 * stream whose token was replaced, or revoked by fencing, is closed with UNAUTHENTICATED. The
 * console grant keys go after the first full set and again at any look that finds them changed (a
 * rotation reaches every agent within the resync interval).
 */
@Component
public class AgentSessions {

  private static final Logger log = LoggerFactory.getLogger(AgentSessions.class);

  private final AgentReports reports;
  private final AgentCredentials credentials;
  private final ConsoleGrants grants;

  /** Hosts refreshed in one look at the database at most; their sessions are locked meanwhile. */
  private static final int REFRESH_BATCH = 200;

  private final Map<String, Session> byHost = new ConcurrentHashMap<>();

  AgentSessions(AgentReports reports, AgentCredentials credentials, ConsoleGrants grants) {
    this.reports = reports;
    this.credentials = credentials;
    this.grants = grants;
  }

  /**
   * One agent's stream; gRPC streams are not thread-safe, so every send holds its lock. A refresh
   * of several hosts holds their locks while it reads their desired sets; it takes them in host id
   * order, and nothing else holds two, so two refreshes cannot wait on each other.
   */
  static final class Session {
    private final String hostId;
    private final String tokenSha256;
    private final StreamObserver<ControlMessage> stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, DesiredDesktop> sent = new HashMap<>();
    private ConsoleGrantKeys sentGrantKeys;
    private boolean open = true;

    Session(String hostId, String tokenSha256, StreamObserver<ControlMessage> stream) {
      this.hostId = hostId;
      this.tokenSha256 = tokenSha256;
      this.stream = stream;
    }

    void sendFullSet(DesiredSet set) {
      lock.lock();
      try {
        if (!open) {
          return;
        }
        sent.clear();
        set.getDesktopsList().forEach(desktop -> sent.put(desktop.getDesktopId(), desktop));
        stream.onNext(ControlMessage.newBuilder().setDesiredSet(set).build());
      } finally {
        lock.unlock();
      }
    }

    /**
     * Sends what differs from {@code desired}, which the caller read while holding this session's
     * lock: two refreshes of one host at once must not send their sets in the other order, or the
     * staler one would remove a desktop the fresher one had just sent, with a generation no later
     * upsert could undo (the fault suite's history caught desktops started and removed for good
     * that way). Returns how many messages that took.
     */
    private int sendDifference(List<DesiredDesktop> desired) {
      if (!open) {
        return 0;
      }
      int messages = 0;
      Map<String, DesiredDesktop> now = new HashMap<>();
      for (DesiredDesktop desktop : desired) {
        now.put(desktop.getDesktopId(), desktop);
        DesiredDesktop before = sent.get(desktop.getDesktopId());
        if (!desktop.equals(before)) {
          stream.onNext(ControlMessage.newBuilder().setUpsert(desktop).build());
          messages++;
        }
      }
      for (Map.Entry<String, DesiredDesktop> gone : sent.entrySet()) {
        if (!now.containsKey(gone.getKey())) {
          // A generation above the last upsert's, so that a late upsert cannot bring it back.
          stream.onNext(
              ControlMessage.newBuilder()
                  .setRemoval(
                      DesktopRemoval.newBuilder()
                          .setDesktopId(gone.getKey())
                          .setSpecGeneration(gone.getValue().getSpecGeneration() + 1)
                          .setDeleteUserData(true))
                  .build());
          messages++;
        }
      }
      sent.clear();
      sent.putAll(now);
      return messages;
    }

    /** Sends the console grant keys unless the agent holds these already. */
    void sendGrantKeys(ConsoleGrantKeys keys) {
      lock.lock();
      try {
        if (open && !keys.equals(sentGrantKeys)) {
          stream.onNext(ControlMessage.newBuilder().setConsoleGrantKeys(keys).build());
          sentGrantKeys = keys;
        }
      } finally {
        lock.unlock();
      }
    }

    void close() {
      lock.lock();
      try {
        open = false;
      } finally {
        lock.unlock();
      }
    }

    boolean isOpen() {
      lock.lock();
      try {
        return open;
      } finally {
        lock.unlock();
      }
    }

    /** Ends the stream with {@code status}, once, whoever asks first. */
    void end(Status status) {
      lock.lock();
      try {
        if (open) {
          open = false;
          stream.onError(status.asRuntimeException());
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Registers the agent of {@code hostId} and sends it the full desired set. */
  Session open(
      String hostId, String token, StreamObserver<ControlMessage> stream, DesiredSet fullSet) {
    Session session = new Session(hostId, AgentCredentials.sha256(token), stream);
    // The full set goes first, before any push can find the session.
    session.sendFullSet(fullSet);
    grants.forAgents().ifPresent(session::sendGrantKeys);
    Session replaced = byHost.put(hostId, session);
    if (replaced != null) {
      replaced.close();
    }
    // A change committed between reading the set and registering would otherwise wait for the
    // periodic resync.
    refresh(hostId);
    return session;
  }

  void close(Session session) {
    session.close();
    byHost.remove(session.hostId, session);
  }

  /** Sends the agent of {@code hostId}, if connected here, what changed in its desired set. */
  public void refresh(String hostId) {
    refresh(List.of(hostId));
  }

  /**
   * Sends the agents of {@code hostIds} connected here what changed in their desired sets, read in
   * one look at the database for all of them: a storm notifies most hosts at every commit, and one
   * look per host made this listener a sixth of a replica's work.
   */
  public void refresh(Collection<String> hostIds) {
    List<Session> sessions =
        hostIds.stream().distinct().sorted().map(byHost::get).filter(Objects::nonNull).toList();
    for (int from = 0; from < sessions.size(); from += REFRESH_BATCH) {
      refreshLocked(sessions.subList(from, Math.min(sessions.size(), from + REFRESH_BATCH)));
    }
  }

  private void refreshLocked(List<Session> sessions) {
    sessions.forEach(session -> session.lock.lock());
    try {
      Map<String, String> tokens =
          credentials.tokensOf(sessions.stream().map(session -> session.hostId).toList());
      List<Session> current = new ArrayList<>();
      for (Session session : sessions) {
        if (AgentCredentials.same(tokens.get(session.hostId), session.tokenSha256)) {
          current.add(session);
        } else {
          log.warn("event=agent.token-revoked host={} action=close-stream", session.hostId);
          session.end(
              Status.UNAUTHENTICATED.withDescription(
                  "The agent token of host " + session.hostId + " was replaced or revoked"));
          byHost.remove(session.hostId, session);
        }
      }
      Map<String, List<DesiredDesktop>> desired =
          reports.desiredFor(current.stream().map(session -> session.hostId).toList());
      Optional<ConsoleGrantKeys> grantKeys = grants.forAgents();
      for (Session session : current) {
        send(session, desired.getOrDefault(session.hostId, List.of()), grantKeys);
      }
    } catch (RuntimeException e) {
      // The database hiccuped: the next notification or resync looks again.
      log.warn(
          "event=agent.push-failed hosts={} error=\"{}\"",
          sessions.stream().map(session -> session.hostId).toList(),
          e.toString());
    } finally {
      sessions.forEach(session -> session.lock.unlock());
    }
  }

  /** One agent's part of a refresh; its stream breaking leaves the others' parts to go on. */
  private static void send(
      Session session, List<DesiredDesktop> desired, Optional<ConsoleGrantKeys> grantKeys) {
    try {
      int messages = session.sendDifference(desired);
      grantKeys.ifPresent(session::sendGrantKeys);
      if (messages > 0) {
        log.debug("event=agent.pushed host={} messages={}", session.hostId, messages);
      }
    } catch (RuntimeException e) {
      // The stream broke: the agent reconnects and is sent its full set.
      log.warn("event=agent.push-failed host={} error=\"{}\"", session.hostId, e.toString());
    }
  }

  /** Every connected agent gets what it missed: after a lost notification, or periodically. */
  public void refreshAll() {
    refresh(byHost.keySet());
  }

  /** Hosts whose agents are connected to this replica. */
  public Set<String> connectedHosts() {
    return Set.copyOf(byHost.keySet());
  }
}
