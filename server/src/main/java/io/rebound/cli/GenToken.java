package io.rebound.cli;

import io.rebound.auth.JwtSigner;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code gentoken --user U [--ttl 24h] [--channels a,b] [--info JSON] [--config FILE]}: a connection token (HS256)
 * signed with the configuration's {@code token_hmac_secret_key}. The token alone goes to standard output, so
 * {@code TOKEN=$(java -jar rebound.jar gentoken --user alice)} works; what it grants goes to standard error.
 * {@code --channels} become the {@code channels} claim (server-side subscriptions); {@code --ttl 0} means no expiry.
 */
final class GenToken implements Command {

  @Override
  public String name() {
    return "gentoken";
  }

  @Override
  public String synopsis() {
    return "--user U [--ttl 24h] [--channels a,b] [--info JSON] [--config FILE]";
  }

  @Override
  public String summary() {
    return "print a connection token signed with the config's token_hmac_secret_key (--ttl 0: no expiry)";
  }

  @Override
  public int run(Invocation in) {
    Args args = Args.parse(in.args(), Set.of("user", "ttl", "channels", "info", "config"));
    args.positional(0);
    String user = args.required("user");
    Duration ttl = Tokens.ttl(args.get("ttl", Tokens.DEFAULT_TTL));
    Map<String, Object> claims = Tokens.claims(user, ttl, args.get("info", null), in);
    if (args.has("channels")) {
      List<String> channels = Arrays.stream(args.get("channels", "").split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
      claims.put("channels", channels);
    }
    ConfigSource source = ConfigSource.of(args.get("config", null), in.env());
    BrokerConfig config;
    try {
      config = source.load();
    } catch (ConfigException e) {
      in.err().println("rebound gentoken: " + e.getMessage());
      return REFUSED;
    }
    JwtSigner signer = Tokens.signer(config, source, in);
    if (signer == null) return REFUSED;
    in.out().println(signer.sign(claims));
    in.err().println("HS256 connection token for user \"" + user + "\", expires " + Tokens.when(claims.get("exp"), in.nowSeconds())
        + (claims.containsKey("channels") ? ", server-side subscriptions " + claims.get("channels") : "")
        + ", signed with the secret of " + source.describe());
    return OK;
  }
}
