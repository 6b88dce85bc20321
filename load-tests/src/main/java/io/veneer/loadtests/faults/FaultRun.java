package io.veneer.loadtests.faults;

import io.veneer.loadtests.checker.HistoryChecker;
import io.veneer.loadtests.checker.RunFigures;
import io.veneer.loadtests.history.Fact;
import io.veneer.loadtests.history.History;
import io.veneer.loadtests.stack.StormStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;

/**
 * One run of the suite: a pool of its own with room for every request, a storm of {@code requests}
 * desktop requests arriving over {@code spread} (each person's client retrying with its idempotency
 * key against either replica), the fault injected a third of the way in and ended as it says, then
 * the wait for every acknowledged desktop to run, the run's end recorded, and the checker's figures
 * for it.
 */
public record FaultRun(String name, int requests, Duration spread) {

  private static final Logger log = Logger.getLogger(FaultRun.class.getName());

  public RunFigures run(StormStack stack, Fault fault) throws Exception {
    History history = stack.history();
    Instant begin = Instant.now();
    history.record(new Fact.RunBegan(begin, name));
    String pool = stack.createPool(requests);
    long pauseNanos = spread.toNanos() / Math.max(1, requests);
    try (ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> injured =
          people.submit(
              () -> {
                Thread.sleep(spread.toMillis() / 3);
                history.record(new Fact.FaultBegan(Instant.now(), fault.name(), fault.targets()));
                log.info("event=fault-began run=" + name + " fault=" + fault.name());
                fault.inject(stack);
                fault.end(stack);
                history.record(new Fact.FaultEnded(Instant.now(), fault.name()));
                log.info("event=fault-ended run=" + name + " fault=" + fault.name());
                return null;
              });
      for (int i = 0; i < requests; i++) {
        String owner = name + "-" + i;
        people.execute(() -> stack.request(pool, owner));
        Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
      }
      injured.get();
    }
    List<JsonNode> desktops = stack.awaitRunning(stack.settings().runningTimeout());
    stack.recordRunEnd(begin, desktops);
    return figuresOf(stack, name);
  }

  /** The checker's figures of the named run, from the history as written so far. */
  public static RunFigures figuresOf(StormStack stack, String run) {
    stack.history().flush();
    return HistoryChecker.check(History.read(stack.history().file())).stream()
        .filter(figures -> figures.run().equals(run))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No run " + run + " in the history"));
  }
}
