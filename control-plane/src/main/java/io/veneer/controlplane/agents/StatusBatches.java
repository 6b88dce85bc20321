package io.veneer.controlplane.agents;

import io.veneer.agent.v1.DesktopStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One agent stream's status reports, written in batches: the reports that arrived while the
 * previous batch was being written go together into the next, one transaction for all of them
 * rather than one each. A stream has at most one batch in flight, so its reports are applied in the
 * order they arrived; a batch is written on {@code writers}, so the stream keeps receiving.
 */
final class StatusBatches {

  /** A bound on one transaction's work, so that one busy stream does not hold a writer long. */
  static final int MAX_BATCH = 256;

  private final Queue<DesktopStatus> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final Executor writers;
  private final Consumer<List<DesktopStatus>> write;

  StatusBatches(Executor writers, Consumer<List<DesktopStatus>> write) {
    this.writers = writers;
    this.write = write;
  }

  void add(DesktopStatus status) {
    waiting.add(status);
    scheduleIfIdle();
  }

  private void scheduleIfIdle() {
    if (!waiting.isEmpty() && inFlight.compareAndSet(false, true)) {
      writers.execute(this::writeOne);
    }
  }

  private void writeOne() {
    try {
      List<DesktopStatus> batch = new ArrayList<>();
      DesktopStatus next;
      while (batch.size() < MAX_BATCH && (next = waiting.poll()) != null) {
        batch.add(next);
      }
      if (!batch.isEmpty()) {
        write.accept(batch);
      }
    } finally {
      inFlight.set(false);
      // What arrived during this write goes next, as its own task: streams share the writers.
      scheduleIfIdle();
    }
  }
}
