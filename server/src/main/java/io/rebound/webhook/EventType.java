package io.rebound.webhook;

/** The kinds of lifecycle event, with the {@code type} each has in the JSON the backend receives. */
public enum EventType {
  CONNECT("connect"),
  SUBSCRIBE("subscribe"),
  UNSUBSCRIBE("unsubscribe"),
  DISCONNECT("disconnect");

  private final String jsonName;

  EventType(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }
}
