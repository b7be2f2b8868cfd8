package dev.domainevents.kafka.embedded;

import java.io.IOException;
import java.io.InputStream;
import kafka.Kafka;
import kafka.tools.StorageTool;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The child JVM's entry point: formats the KRaft storage when asked, then runs the broker until the
 * parent stops it (SIGTERM) or dies (its stdin closes). It ignores SIGINT.
 *
 * <p>Arguments: the {@code server.properties} path, and the cluster id to format with, or {@link
 * #NO_FORMAT} on a restart.
 */
final class BrokerMain {
  static final String NO_FORMAT = "-";

  private BrokerMain() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: BrokerMain <server.properties> <cluster-id|->");
      System.exit(2);
    }
    String serverProperties = args[0];
    String clusterId = args[1];
    if (!NO_FORMAT.equals(clusterId)) {
      int status =
          StorageTool.execute(
              new String[] {
                "format", "-t", clusterId, "-c", serverProperties, "--ignore-formatted"
              },
              System.out);
      if (status != 0) {
        System.err.println("formatting the KRaft storage failed with status " + status);
        System.exit(status);
      }
    }
    ignoreInterrupts();
    exitWhenParentDies();
    // Blocks until shutdown; Kafka's own shutdown hook stops the broker on SIGTERM or exit.
    Kafka.main(new String[] {serverProperties});
  }

  /**
   * A terminal's Ctrl-C signals the whole process group, this child included. The parent decides
   * when the broker stops, so that an application can close its clients before its broker.
   */
  private static void ignoreInterrupts() {
    Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
  }

  /** The parent holds our stdin open; end of input means it is gone, so we must go too. */
  private static void exitWhenParentDies() {
    Thread watcher =
        new Thread(
            () -> {
              InputStream in = System.in;
              try {
                while (in.read() >= 0) {
                  // The parent never writes; keep reading until end of input.
                }
              } catch (IOException e) {
                // Treat a broken pipe like end of input.
              }
              System.err.println("parent JVM is gone; stopping the embedded broker");
              System.exit(1);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
