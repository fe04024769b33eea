package io.rebound.codec.protobuf;

/**
 * Field numbers of Rebound's protocol extensions (docs/EXTENSIONS.md) in the Protobuf format. They
 * start at 1000 in every message, far above Centrifugo's own numbers, so Centrifugo's future fields
 * never collide with them, and Centrifugo SDKs skip them as unknown fields. Each is sent only to a
 * client that asked for the extension, exactly as the JSON format does. The one place these numbers
 * are written down in code; the docs table mirrors it.
 */
final class ReboundFields {
  private ReboundFields() {}

  // ConnectRequest
  /** {@code optional bool sync}: absent means true (user-sync channels replay the offline backlog). */
  static final int CONNECT_SYNC = 1000;
  static final int CONNECT_DISCONTINUITY = 1001;
  /** {@code uint64 resume_window}, milliseconds. */
  static final int CONNECT_RESUME_WINDOW = 1002;
  /** {@code Resume resume}: {@code string session = 1; optional uint64 received = 2} (absent: cannot be resumed). */
  static final int CONNECT_RESUME = 1003;
  static final int RESUME_SESSION = 1;
  static final int RESUME_RECEIVED = 2;

  // ConnectResult
  /** {@code string resume_session}: JSON's {@code session}; Centrifugo's own {@code session} (9) stays the emulation session. */
  static final int RESULT_RESUME_SESSION = 1000;
  static final int RESULT_RESUME_WINDOW = 1001;
  /** {@code optional bool resumed}: present (true or false) only when a resume was asked. */
  static final int RESULT_RESUMED = 1002;
  /** {@code optional uint64 last_command}. */
  static final int RESULT_LAST_COMMAND = 1003;

  // PublishRequest
  static final int PUBLISH_IDEMPOTENCY_KEY = 1000;

  // HistoryRequest
  static final int HISTORY_UNTIL_ATTACH = 1000;

  // Push
  /** {@code Discontinuity discontinuity}: {@code string reason = 1; StreamPosition since = 2; StreamPosition attach = 3}. */
  static final int PUSH_DISCONTINUITY = 1000;
  static final int DISCONTINUITY_REASON = 1;
  static final int DISCONTINUITY_SINCE = 2;
  static final int DISCONTINUITY_ATTACH = 3;

  // Subscribe (the push announcing a server-side subscription): what JSON's subscribe push carries beyond Centrifugo's Subscribe.
  static final int SUBSCRIBE_WAS_RECOVERING = 1000;
  static final int SUBSCRIBE_RECOVERED = 1001;
  /** {@code repeated Publication publications}: a user-sync subscription's first batch. */
  static final int SUBSCRIBE_PUBLICATIONS = 1002;
  static final int SUBSCRIBE_EXPIRES = 1003;
  static final int SUBSCRIBE_TTL = 1004;
}
