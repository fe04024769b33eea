package io.rebound.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A config value that came from an environment variable: text, typed only when read. A string key takes the text as
 * it is (so {@code REBOUND_API_KEY=123} stays the string "123"); any other key reads it as JSON ({@code 100},
 * {@code true}, {@code [{"name":"chat"}]}) and, when it is not JSON, as a string ({@code 600s}, {@code hazelcast}).
 * This is how a shell writes values, and it needs no per-key type table beside the readers.
 */
final class EnvValue extends TextNode {

  // Trailing tokens fail: "10 minutes" must not read as the number 10 followed by ignored text.
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String variable;

  EnvValue(String variable, String text) {
    super(text);
    this.variable = variable;
  }

  /** The environment variable this value came from ({@code REBOUND_HISTORY_SIZE}). */
  String variable() {
    return variable;
  }

  /** The value as JSON; text that is not JSON is a string, but text that looks like a list or object must parse. */
  JsonNode asJson() {
    String text = textValue().trim();
    try {
      JsonNode parsed = JSON.readTree(text);
      if (parsed != null && !parsed.isMissingNode()) return parsed;
    } catch (JsonProcessingException e) {
      if (text.startsWith("[") || text.startsWith("{")) {
        throw ConfigException.located("", variable + ": malformed JSON: " + e.getOriginalMessage());
      }
    }
    return TextNode.valueOf(textValue());
  }

  // TextNode's equality is by text; two values of different variables are different values.
  @Override
  public boolean equals(Object o) {
    return o instanceof EnvValue other && other.variable.equals(variable) && other.textValue().equals(textValue());
  }

  @Override
  public int hashCode() {
    return 31 * variable.hashCode() + textValue().hashCode();
  }
}
