package io.rebound.loadtest.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.testing.verify.Finding;
import io.rebound.testing.verify.Verdict;
import java.util.List;

/**
 * What one verification run found: the checker's verdict and the facts of the run around it.
 *
 * @param options the run's options
 * @param run the run id (in channel names and payloads)
 * @param channels the channels published to
 * @param publishSeconds how long publications were issued
 * @param retries publish attempts that failed and were retried (same number, same idempotency key)
 * @param lastPublishError the last failed attempt's error, or null
 * @param reconnects client reconnects (each a resubscribe with recovery, or a resume)
 * @param quiesced every subscriber got the last acknowledged publication of its channel before the deadline
 * @param historyError why history could not be read, or null
 * @param verdict the checker's verdict
 * @param timeline one sample per second
 */
public record VerifyResult(VerifyOptions options, String run, List<String> channels, double publishSeconds, long retries,
    String lastPublishError, int reconnects, boolean quiesced, String historyError, Verdict verdict, List<RunTimeline.Sample> timeline) {

  /** 0 clean; 3 defects, or explicit losses under {@code --strict}. */
  public int exitCode() {
    boolean explicit = !verdict.findings(Finding.Kind.EXPLICIT_LOSS).isEmpty();
    return !verdict.clean() || (options.strict && explicit) ? 3 : 0;
  }

  /** The console verdict: one headline, the counts, and the first findings. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(exitCode() == 0 ? "VERDICT: CLEAN" : "VERDICT: FAILED").append(" — ")
        .append(verdict.silentLosses()).append(" silent losses, ")
        .append(verdict.count(Finding.Kind.DUPLICATE)).append(" duplicates, ")
        .append(verdict.count(Finding.Kind.REORDER)).append(" reorders, ")
        .append(verdict.count(Finding.Kind.EXPLICIT_LOSS)).append(" publications explicitly lost (recovered:false), ")
        .append(verdict.count(Finding.Kind.MISSING_FROM_HISTORY)).append(" missing from history\n");
    b.append(String.format("run %s: %d channels × %d clients, %d acknowledged publications in %.0f s (%d retried), %d client reconnects, %s%n",
        run, channels.size(), options.clients, verdict.totals().acknowledged(), publishSeconds, retries, reconnects,
        quiesced ? "every subscriber caught up" : "NOT every subscriber caught up before --quiesce-s"));
    if (historyError != null) b.append("history not checked: ").append(historyError).append('\n');
    b.append(verdict.summary(20));
    return b.toString();
  }

  /** result.json: the run, the counts and up to {@link VerifyOptions#MAX_FINDINGS_REPORTED} findings. */
  public ObjectNode toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("tool", "verify");
    root.put("run", run);
    root.put("verdict", exitCode() == 0 ? "clean" : "failed");
    root.put("exit_code", exitCode());
    ArrayNode targets = root.putArray("targets");
    options.targets.forEach(targets::add);
    ArrayNode chs = root.putArray("channels");
    channels.forEach(chs::add);
    root.put("clients", options.clients);
    root.put("rate_per_channel", options.rate);
    root.put("publish_seconds", Math.round(publishSeconds * 10) / 10.0);
    root.put("publish_retries", retries);
    if (lastPublishError != null) root.put("last_publish_error", lastPublishError);
    root.put("client_reconnects", reconnects);
    root.put("quiesced", quiesced);
    root.put("drop_every", options.dropEvery);
    root.put("strict", options.strict);
    if (historyError != null) root.put("history_error", historyError);
    root.set("check", verdict.toJson(VerifyOptions.MAX_FINDINGS_REPORTED));
    ArrayNode t = root.putArray("timeline");
    for (RunTimeline.Sample s : timeline) {
      t.addObject().put("t_ms", s.atMs()).put("connected", s.connected()).put("subscribed", s.subscribed()).put("acked", s.acked())
          .put("deliveries", s.deliveries()).put("retries", s.retries()).put("reconnects", s.reconnects());
    }
    return root;
  }
}
