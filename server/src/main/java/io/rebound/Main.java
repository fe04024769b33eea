package io.rebound;

import io.rebound.auth.JwtSigner;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import io.rebound.config.ConfigLoader;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar rebound.jar [--config FILE] [--port N] [--gentoken USER]}. Without {@code
 * --config} the node starts on the embedded default (memory engine, port 8000) and says so.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    Path configFile = null;
    Integer port = null;
    String tokenFor = null;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
          case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
          case "--gentoken" -> tokenFor = value(args, ++i, "--gentoken");
          case "-h", "--help" -> {
            System.out.println("usage: java -jar rebound.jar [--config FILE] [--port N] [--gentoken USER]");
            return;
          }
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("rebound: " + e.getMessage());
      System.err.println("usage: java -jar rebound.jar [--config FILE] [--port N] [--gentoken USER]");
      System.exit(2);
    }

    BrokerConfig config;
    try {
      if (configFile == null) {
        config = BrokerConfig.defaultConfig();
        LOG.warn("event=embedded_default_config: no --config given, using the development default (memory engine, dev secret, api_key {})",
            BrokerConfig.DEV_API_KEY);
      } else {
        config = ConfigLoader.load(configFile);
      }
      if (port != null) config = config.withPort(port);
    } catch (ConfigException e) {
      System.err.println("rebound: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }

    if (tokenFor != null) {
      System.out.println(new JwtSigner(config.tokenHmacSecretKey()).connectionToken(tokenFor, 24 * 3600));
      return;
    }

    Node.start(config).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("node failed to start: {}", ar.cause().toString(), ar.cause());
        System.exit(1);
      }
      Node node = ar.result();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("event=shutdown_signal: draining, clients reconnect elsewhere");
        try {
          node.shutdown(Node.DRAIN_PERIOD_MS).toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        }
      }, "rebound-shutdown"));
    });
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
    return args[i];
  }
}
