package io.rebound.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.config.ConfigException;
import io.rebound.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * {@code genconfig [FILE]}: writes a new configuration (default {@code config.json}) with a random
 * {@code token_hmac_secret_key}, {@code api_key} and, where this build has an admin page, {@code admin_password} and
 * {@code admin_secret}; a memory engine on port 8000 and two namespaces to start from ({@code chat} with history,
 * recovery and presence, {@code personal} with user-limited channels). Never overwrites a file; the new file is
 * readable by its owner only. The written config is validated by the same loader the node uses before it is written.
 */
final class GenConfig implements Command {

  static final String DEFAULT_FILE = "config.json";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String name() {
    return "genconfig";
  }

  @Override
  public String synopsis() {
    return "[FILE]";
  }

  @Override
  public String summary() {
    return "write a new config (default config.json) with a random HMAC secret, API key and admin password; never overwrites";
  }

  @Override
  public int run(Invocation in) {
    Args args = Args.parse(in.args(), Set.of());
    Path file = Path.of(args.positional(1).isEmpty() ? DEFAULT_FILE : args.positional(1).get(0));
    String text = generate();
    try {
      ConfigLoader.parse(text); // what we write must start a node
    } catch (ConfigException e) {
      throw new IllegalStateException("genconfig produced an invalid config: " + e.getMessage(), e);
    }
    try {
      write(file, text);
    } catch (FileAlreadyExistsException e) {
      in.err().println("rebound genconfig: " + file + " already exists; not overwriting it (remove it or name another file)");
      return REFUSED;
    } catch (IOException e) {
      in.err().println("rebound genconfig: cannot write " + file + ": " + e);
      return REFUSED;
    }
    in.out().println("wrote " + file + ": memory engine on port 8000, namespaces chat and personal, a random token_hmac_secret_key"
        + " and api_key" + (ConfigLoader.isTopLevelKey("admin_password") ? " and admin_password" : "") + " (readable by you only)");
    in.out().println("start a node with: java -jar rebound.jar --config " + file);
    return OK;
  }

  /** A new config's JSON text with fresh random secrets. */
  static String generate() {
    ObjectNode c = JSON.createObjectNode();
    c.put("port", 8000);
    c.put("token_hmac_secret_key", secret(32));
    c.put("api_key", secret(24));
    // The admin page's keys exist only in builds that have it; an unknown key would stop the node.
    if (ConfigLoader.isTopLevelKey("admin_password")) c.put("admin_password", secret(18));
    if (ConfigLoader.isTopLevelKey("admin_secret")) c.put("admin_secret", secret(32));
    c.put("engine", "memory");
    ArrayNode namespaces = c.putArray("namespaces");
    ObjectNode chat = namespaces.addObject();
    chat.put("name", "chat");
    chat.put("history_size", 100);
    chat.put("history_ttl", "600s");
    chat.put("force_recovery", true);
    chat.put("presence", true);
    chat.put("join_leave", true);
    chat.put("allow_subscribe_for_client", true);
    chat.put("allow_publish_for_client", true);
    chat.put("allow_history_for_client", true);
    chat.put("allow_presence_for_client", true);
    ObjectNode personal = namespaces.addObject();
    personal.put("name", "personal");
    personal.put("history_size", 100);
    personal.put("history_ttl", "600s");
    personal.put("force_recovery", true);
    personal.put("allow_user_limited_channels", true);
    personal.put("allow_subscribe_for_client", true);
    try {
      return JSON.writeValueAsString(c) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code bytes} random bytes as URL-safe base64 (no padding): copy-paste safe in JSON, shells and headers. */
  private static String secret(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void write(Path file, String text) throws IOException {
    // CREATE_NEW: the existence check and the creation are one step, so nothing is ever overwritten.
    Files.writeString(file, "", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the file keeps the directory's permissions.
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
