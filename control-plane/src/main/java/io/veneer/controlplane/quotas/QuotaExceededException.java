package io.veneer.controlplane.quotas;

/**
 * A request that would take its holder past a quota; it changed nothing.
 *
 * @param measure {@code desktops}, {@code vcpus} or {@code memoryMib}
 * @param requested what the request would have added
 */
public class QuotaExceededException extends RuntimeException {

  private final QuotaHolder holder;
  private final String measure;
  private final long limit;
  private final long usage;
  private final long requested;

  QuotaExceededException(
      QuotaHolder holder, String measure, long limit, long usage, long requested) {
    super(
        "Quota exceeded: the "
            + holder.kind().key()
            + " quota of "
            + holder.name()
            + " allows "
            + limit
            + " "
            + measure
            + " held at once; "
            + usage
            + " are held and this request needs "
            + requested
            + " more");
    this.holder = holder;
    this.measure = measure;
    this.limit = limit;
    this.usage = usage;
    this.requested = requested;
  }

  public QuotaHolder holder() {
    return holder;
  }

  public String measure() {
    return measure;
  }

  public long limit() {
    return limit;
  }

  public long usage() {
    return usage;
  }

  public long requested() {
    return requested;
  }
}
