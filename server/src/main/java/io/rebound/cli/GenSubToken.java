package io.rebound.cli;

import io.rebound.auth.JwtSigner;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code gensubtoken --user U --channel C [--ttl 24h] [--info JSON] [--client ID] [--config FILE]}: a subscription
 * token (HS256) for channel {@code C}, as a backend would mint for {@code $private} channels or namespaces without
 * client subscribe permission. Standard output gets the token only; {@code --client} binds it to one connection.
 */
final class GenSubToken implements Command {

  @Override
  public String name() {
    return "gensubtoken";
  }

  @Override
  public String synopsis() {
    return "--user U --channel C [--ttl 24h] [--info JSON] [--client ID] [--config FILE]";
  }

  @Override
  public String summary() {
    return "print a subscription token for channel C";
  }

  @Override
  public int run(Invocation in) {
    Args args = Args.parse(in.args(), Set.of("user", "channel", "ttl", "info", "client", "config"));
    args.positional(0);
    String user = args.required("user");
    String channel = args.required("channel");
    if (channel.isEmpty()) throw new UsageException("--channel must not be empty");
    Duration ttl = Tokens.ttl(args.get("ttl", Tokens.DEFAULT_TTL));
    Map<String, Object> claims = Tokens.claims(user, ttl, args.get("info", null), in);
    claims.put("channel", channel);
    if (args.has("client")) claims.put("client", args.get("client", ""));
    ConfigSource source = ConfigSource.of(args.get("config", null), in.env());
    BrokerConfig config;
    try {
      config = source.load();
    } catch (ConfigException e) {
      in.err().println("rebound gensubtoken: " + e.getMessage());
      return REFUSED;
    }
    JwtSigner signer = Tokens.signer(config, source, in);
    if (signer == null) return REFUSED;
    in.out().println(signer.sign(claims));
    in.err().println("HS256 subscription token for user \"" + user + "\" on channel \"" + channel + "\", expires "
        + Tokens.when(claims.get("exp"), in.nowSeconds()) + ", signed with the secret of " + source.describe());
    return OK;
  }
}
