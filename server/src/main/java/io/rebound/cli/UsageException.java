package io.rebound.cli;

/** A command line that cannot be understood: the message says what is wrong; the caller prints usage and exits 2. */
public final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
