package io.veneer.controlplane.agents;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesiredSet;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.controlplane.console.ConsoleGrants;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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
  private final Map<String, Session> byHost = new ConcurrentHashMap<>();

  AgentSessions(AgentReports reports, AgentCredentials credentials, ConsoleGrants grants) {
    this.reports = reports;
    this.credentials = credentials;
    this.grants = grants;
  }

  /** One agent's stream; gRPC streams are not thread-safe, so every send holds its lock. */
  static final class Session {
    private final String hostId;
    private final String tokenSha256;
    private final StreamObserver<ControlMessage> stream;
    private final Map<String, DesiredDesktop> sent = new HashMap<>();
    private ConsoleGrantKeys sentGrantKeys;
    private boolean open = true;

    Session(String hostId, String tokenSha256, StreamObserver<ControlMessage> stream) {
      this.hostId = hostId;
      this.tokenSha256 = tokenSha256;
      this.stream = stream;
    }

    synchronized void sendFullSet(DesiredSet set) {
      if (!open) {
        return;
      }
      sent.clear();
      set.getDesktopsList().forEach(desktop -> sent.put(desktop.getDesktopId(), desktop));
      stream.onNext(ControlMessage.newBuilder().setDesiredSet(set).build());
    }

    /**
     * Sends what differs from the desired set, read under the session's lock: two refreshes of one
     * host at once must not send their sets in the other order, or the staler one would remove a
     * desktop the fresher one had just sent, with a generation no later upsert could undo (the
     * fault suite's history caught desktops started and removed for good that way). Returns how
     * many messages that took.
     */
    synchronized int sendDifference(Supplier<List<DesiredDesktop>> desiredSet) {
      if (!open) {
        return 0;
      }
      List<DesiredDesktop> desired = desiredSet.get();
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
    synchronized void sendGrantKeys(ConsoleGrantKeys keys) {
      if (open && !keys.equals(sentGrantKeys)) {
        stream.onNext(ControlMessage.newBuilder().setConsoleGrantKeys(keys).build());
        sentGrantKeys = keys;
      }
    }

    synchronized void close() {
      open = false;
    }

    synchronized boolean isOpen() {
      return open;
    }

    /** Ends the stream with {@code status}, once, whoever asks first. */
    synchronized void end(Status status) {
      if (open) {
        open = false;
        stream.onError(status.asRuntimeException());
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
    Session session = byHost.get(hostId);
    if (session == null) {
      return;
    }
    try {
      if (!credentials.stillCurrent(hostId, session.tokenSha256)) {
        log.warn("event=agent.token-revoked host={} action=close-stream", hostId);
        session.end(
            Status.UNAUTHENTICATED.withDescription(
                "The agent token of host " + hostId + " was replaced or revoked"));
        byHost.remove(hostId, session);
        return;
      }
      int messages = session.sendDifference(() -> reports.desiredFor(hostId));
      grants.forAgents().ifPresent(session::sendGrantKeys);
      if (messages > 0) {
        log.debug("event=agent.pushed host={} messages={}", hostId, messages);
      }
    } catch (RuntimeException e) {
      // The stream broke or the database hiccuped: the agent reconnects or the next resync retries.
      log.warn("event=agent.push-failed host={} error=\"{}\"", hostId, e.toString());
    }
  }

  /** Every connected agent gets what it missed: after a lost notification, or periodically. */
  public void refreshAll() {
    byHost.keySet().forEach(this::refresh);
  }

  /** Hosts whose agents are connected to this replica. */
  public Set<String> connectedHosts() {
    return Set.copyOf(byHost.keySet());
  }
}
