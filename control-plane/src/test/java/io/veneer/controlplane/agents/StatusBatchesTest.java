package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.v1.DesktopStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** An agent stream's reports go to the database in batches, one transaction each, in order. */
class StatusBatchesTest {

  /** Runs the writers' tasks when told to, so the test decides what arrives during a write. */
  private static final class StepwiseWriters implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runNext() {
      tasks.remove().run();
    }
  }

  private final StepwiseWriters writers = new StepwiseWriters();
  private final List<List<String>> written = new ArrayList<>();
  private final List<Runnable> duringNextWrite = new ArrayList<>();
  private final StatusBatches batches =
      new StatusBatches(
          writers,
          batch -> {
            written.add(batch.stream().map(DesktopStatus::getDesktopId).toList());
            List<Runnable> arriving = List.copyOf(duringNextWrite);
            duringNextWrite.clear();
            arriving.forEach(Runnable::run);
          });

  @Test
  void reportsThatArriveTogetherAreOneBatchInTheirOrder() {
    batches.add(status("a"));
    batches.add(status("b"));
    batches.add(status("c"));

    assertThat(writers.tasks).as("one write scheduled for the three").hasSize(1);
    writers.runNext();

    assertThat(written).containsExactly(List.of("a", "b", "c"));
    assertThat(writers.tasks).isEmpty();
  }

  @Test
  void reportsThatArriveDuringAWriteGoInTheNextOneAndNeverTwoAtOnce() {
    batches.add(status("a"));
    duringNextWrite.add(() -> batches.add(status("b")));
    duringNextWrite.add(() -> batches.add(status("c")));

    writers.runNext();
    assertThat(written).containsExactly(List.of("a"));
    assertThat(writers.tasks).as("the next batch waits for the first to finish").hasSize(1);

    writers.runNext();
    assertThat(written).containsExactly(List.of("a"), List.of("b", "c"));
    assertThat(writers.tasks).isEmpty();
  }

  @Test
  void aBatchIsBounded() {
    IntStream.range(0, StatusBatches.MAX_BATCH + 1).forEach(i -> batches.add(status("d" + i)));

    writers.runNext();
    writers.runNext();

    assertThat(written).extracting(List::size).containsExactly(StatusBatches.MAX_BATCH, 1);
  }

  private static DesktopStatus status(String desktop) {
    return DesktopStatus.newBuilder().setDesktopId(desktop).build();
  }
}
