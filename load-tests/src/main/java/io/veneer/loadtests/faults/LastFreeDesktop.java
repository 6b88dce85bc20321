package io.veneer.loadtests.faults;

import io.veneer.loadtests.checker.RunFigures;
import io.veneer.loadtests.history.Fact;
import io.veneer.loadtests.stack.StormStack;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pool of {@code size} desktops with all but one taken (and running), then {@code contenders}
 * people asking for a desktop of it at the same moment, through both replicas: exactly one may get
 * it. The checker's figures come with how many were acknowledged.
 */
public record LastFreeDesktop(String name, int size, int contenders) {

  /** The run's figures and how many of the contenders got a desktop. */
  public record Outcome(RunFigures figures, long winners) {}

  public Outcome run(StormStack stack) throws Exception {
    Instant begin = Instant.now();
    stack.history().record(new Fact.RunBegan(begin, name));
    String pool = stack.createPool(size);
    try (ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < size - 1; i++) {
        String owner = name + "-holder-" + i;
        people.execute(() -> stack.request(pool, owner));
      }
    }
    stack.awaitRunning(stack.settings().runningTimeout());
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < contenders; i++) {
        String owner = name + "-contender-" + i;
        people.execute(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              stack.request(pool, owner);
            });
      }
      go.countDown();
    }
    stack.recordRunEnd(begin, stack.awaitRunning(stack.settings().runningTimeout()));
    long winners =
        stack.acknowledgements().all().stream()
            .filter(a -> a.owner().startsWith(name + "-contender-"))
            .count();
    return new Outcome(FaultRun.figuresOf(stack, name), winners);
  }
}
