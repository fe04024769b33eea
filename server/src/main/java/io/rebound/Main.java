package io.rebound;

import io.rebound.cli.Cli;
import io.rebound.cli.ServeArguments;
import io.rebound.cli.UsageException;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar rebound.jar [--config FILE] [--port N]} runs a node; {@code java -jar rebound.jar <command> …} runs
 * one of the {@link Cli} commands (genconfig, checkconfig, gentoken, gensubtoken, checktoken, version, help). Without a
 * config file the node starts on the embedded default (memory engine, port 8000) and says so.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    if (Cli.isCommand(args)) System.exit(Cli.run(args, System.out, System.err, env, Clock.systemUTC()));

    ServeArguments serve;
    try {
      serve = ServeArguments.parse(Arrays.asList(args), env);
    } catch (UsageException e) {
      System.err.println("rebound: " + e.getMessage() + " (java -jar rebound.jar --help lists the commands)");
      System.exit(2);
      return;
    }
    if (serve.tokenFor() != null) {
      System.err.println("rebound: --gentoken is deprecated; use: java -jar rebound.jar gentoken --user USER [--ttl 24h]");
      System.exit(Cli.run(serve.gentokenArguments().toArray(String[]::new), System.out, System.err, env, Clock.systemUTC()));
    }

    BrokerConfig config;
    try {
      config = serve.resolve();
    } catch (ConfigException e) {
      System.err.println("rebound: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (serve.embeddedDefault()) {
      LOG.warn("event=embedded_default_config: no --config given, using the development default (memory engine, dev secret, api_key {})",
          config.apiKey().equals(BrokerConfig.DEV_API_KEY) ? config.apiKey() : "from the environment");
    }
    // Names only: the values may be secrets.
    if (!serve.config().overrides().isEmpty()) LOG.info("event=config_env_overrides variables={}", String.join(",", serve.config().overrides()));
    start(config);
  }

  private static void start(BrokerConfig config) {
    Node.start(config).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("node failed to start: {}", ar.cause().toString(), ar.cause());
        System.exit(1);
      }
      Node node = ar.result();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("event=shutdown_signal: draining, clients reconnect elsewhere");
        try {
          node.shutdown(Node.DRAIN_PERIOD_MS).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        }
      }, "rebound-shutdown"));
    });
  }
}
