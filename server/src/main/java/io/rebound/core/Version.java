package io.rebound.core;

/** The server's name and version as clients ({@code connect} reply) and the {@code info} API see it. */
public final class Version {
  private Version() {}

  public static final String SERVER = "rebound 0.1";
}
