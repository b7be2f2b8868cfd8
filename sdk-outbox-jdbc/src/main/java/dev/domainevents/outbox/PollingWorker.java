package dev.domainevents.outbox;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The one polling loop of this module, on a daemon thread: poll, sleep until the next poll unless a
 * local commit wakes it, back off (doubling up to 30 seconds) while polls fail, and on close wait
 * for the current poll, interrupting it if it outlives the join timeout, then run the owner's stop
 * hook on the worker's thread.
 */
final class PollingWorker {
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  /** One poll of the worker's owner. */
  @FunctionalInterface
  interface Poll {
    /** Polls once; returns how long to pause before the next poll, 0 to poll again at once. */
    long poll() throws Exception;
  }

  private final String name;
  private final long pollIntervalMillis;
  private final long joinMillis;
  private final JdbcOutbox outbox;
  private final Poll poll;
  private final Runnable stopped;
  private final Logger log;
  private final Runnable wakeListener = this::wake;
  private final Object signal = new Object();

  private boolean woken; // guarded by signal
  private volatile boolean running;
  private Thread thread; // guarded by this

  /** A worker with nothing to do once it stopped; see the full constructor. */
  PollingWorker(
      String name,
      long pollIntervalMillis,
      long joinMillis,
      JdbcOutbox outbox,
      Poll poll,
      Logger log) {
    this(name, pollIntervalMillis, joinMillis, outbox, poll, () -> {}, log);
  }

  /**
   * @param name the thread's name, also used in log lines
   * @param joinMillis how long {@link #close} waits for a running poll before interrupting it
   * @param outbox whose local commits wake the worker
   * @param stopped runs on the worker's thread once it stopped polling, e.g. to finish work a poll
   *     left in flight
   * @param log the owner's logger, so that its failures are logged under its name
   */
  PollingWorker(
      String name,
      long pollIntervalMillis,
      long joinMillis,
      JdbcOutbox outbox,
      Poll poll,
      Runnable stopped,
      Logger log) {
    this.name = Objects.requireNonNull(name, "name");
    this.pollIntervalMillis = pollIntervalMillis;
    this.joinMillis = joinMillis;
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.stopped = Objects.requireNonNull(stopped, "stopped");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Starts the thread.
   *
   * @throws IllegalStateException if already started
   */
  synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException(name + " is already started");
    }
    running = true;
    outbox.addCommitListener(wakeListener);
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Ends the current or next pause at once. */
  void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /** Stops polling; waits up to the join timeout for the current poll, then interrupts it. */
  void close() {
    Thread worker;
    synchronized (this) {
      worker = thread;
      running = false;
      outbox.removeCommitListener(wakeListener);
    }
    wake();
    if (worker == null) {
      return;
    }
    try {
      worker.join(joinMillis);
      if (worker.isAlive()) {
        log.warn("{}: the current poll outlived {} ms; interrupting it", name, joinMillis);
        worker.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      pollUntilClosed();
    } finally {
      stopped.run();
    }
  }

  private void pollUntilClosed() {
    long backoff = pollIntervalMillis;
    while (running) {
      long pause;
      try {
        pause = poll.poll();
        backoff = pollIntervalMillis;
        if (pause <= 0) {
          continue; // e.g. a full batch: more are probably waiting
        }
      } catch (Exception | Error e) {
        if (!running) {
          break;
        }
        log.warn("{}: poll failed; retrying in {} ms", name, backoff, e);
        pause = backoff;
        backoff = Math.min(backoff * 2, Math.max(pollIntervalMillis, MAX_BACKOFF_MILLIS));
      }
      pause(pause);
    }
  }

  /** Waits until woken, until {@code millis} pass, or until closed; consumes the wake-up. */
  private void pause(long millis) {
    synchronized (signal) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (!woken && running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      woken = false;
    }
  }
}
