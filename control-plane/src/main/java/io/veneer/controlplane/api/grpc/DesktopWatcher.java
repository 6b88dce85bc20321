package io.veneer.controlplane.api.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.veneer.api.v1.DesktopChange;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.security.Caller;
import io.veneer.events.v1.DesktopEvent;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One WatchDesktops call: the changes its caller may see, in a bounded buffer, sent as fast as the
 * client reads them. The feed hands changes over without ever waiting; a watcher a full buffer
 * behind is cut off with RESOURCE_EXHAUSTED and told to reconnect.
 *
 * <p>Whoever finds the drain free (the feed thread, gRPC's on-ready callback, or the call's own
 * thread) sends; {@link #drains} counts the requests so that exactly one thread sends at a time and
 * none is lost. The watcher starts with the drain held, so the initial listing goes out before any
 * change.
 */
final class DesktopWatcher {

  private final Caller caller;
  private final UUID pool;
  private final ServerCallStreamObserver<DesktopChange> out;
  private final BlockingQueue<DesktopChange> buffer;
  private final Consumer<DesktopWatcher> onEnd;
  private final Set<String> own = ConcurrentHashMap.newKeySet();
  private final AtomicInteger drains = new AtomicInteger(1);
  private final AtomicReference<StatusRuntimeException> ending = new AtomicReference<>();
  private boolean ended; // touched only by the thread holding the drain

  /**
   * @param pool only this pool's desktops; null for all
   * @param onEnd told once when the watch is over, whatever ended it
   */
  DesktopWatcher(
      Caller caller,
      UUID pool,
      ServerCallStreamObserver<DesktopChange> out,
      int bufferSize,
      Consumer<DesktopWatcher> onEnd) {
    this.caller = caller;
    this.pool = pool;
    this.out = out;
    this.buffer = new ArrayBlockingQueue<>(bufferSize);
    this.onEnd = onEnd;
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(
        () -> end(Status.CANCELLED.withDescription("The client cancelled").asRuntimeException()));
  }

  /**
   * Sends the desktops visible now, then releases the drain to the changes that queued meanwhile.
   * Changes already contained in the listing may follow it again; they are harmless repeats.
   */
  void start(Iterable<DesktopView> current) {
    try {
      for (DesktopView desktop : current) {
        if (ending.get() != null) {
          break;
        }
        if (pool == null || pool.equals(desktop.poolId())) {
          own.add(desktop.id().toString());
          out.onNext(DesktopMessages.initial(desktop));
        }
      }
    } catch (RuntimeException e) {
      ending.compareAndSet(null, ApiFailures.toStatus(e));
    } finally {
      release(1);
    }
  }

  /** Called by the feed for every desktop event; never blocks. */
  void offer(DesktopEvent event) {
    if (ending.get() != null || !sees(event)) {
      return;
    }
    DesktopChange change = DesktopMessages.change(event);
    if (!caller.admin() && !caller.subject().equals(event.getAssignedUser())) {
      // The desktop left the caller (released): show that, not who has it now.
      change =
          change.toBuilder()
              .setDesktop(change.getDesktop().toBuilder().clearAssignedUser())
              .build();
    }
    if (!buffer.offer(change)) {
      end(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "This watch fell "
                      + (buffer.size() + buffer.remainingCapacity())
                      + " changes behind and was cut off so that it holds no one else up;"
                      + " call WatchDesktops again to get the current state and follow on")
              .asRuntimeException());
      return;
    }
    drain();
  }

  /** Ends the watch with {@code status} once the drain is free; later calls change nothing. */
  void end(StatusRuntimeException status) {
    ending.compareAndSet(null, status);
    drain();
  }

  private boolean sees(DesktopEvent event) {
    if (pool != null && !pool.toString().equals(event.getPoolId())) {
      return false;
    }
    if (caller.admin()) {
      return true;
    }
    String id = event.getHeader().getAggregateId();
    if (caller.subject().equals(event.getAssignedUser())) {
      own.add(id);
      return true;
    }
    // Once the caller's, now not: they see it go, then nothing more of it.
    return own.remove(id);
  }

  private void drain() {
    if (drains.getAndIncrement() == 0) {
      release(1);
    }
  }

  /** Sends while holding the drain, until no one asked for more. */
  private void release(int held) {
    int missed = held;
    do {
      send();
      missed = drains.addAndGet(-missed);
    } while (missed != 0);
  }

  private void send() {
    if (ended) {
      return;
    }
    StatusRuntimeException status = ending.get();
    try {
      if (status == null) {
        DesktopChange next;
        while (out.isReady() && (next = buffer.poll()) != null) {
          out.onNext(next);
        }
        return;
      }
      buffer.clear();
      out.onError(status);
    } catch (RuntimeException e) {
      // The call is gone (cancelled, or its transport closed): there is no one left to tell.
      ending.compareAndSet(null, Status.CANCELLED.withCause(e).asRuntimeException());
    }
    ended = true;
    onEnd.accept(this);
  }
}
