package io.rebound.testing.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The outcome of {@link StreamChecker#check}: every finding, and totals of what was checked. {@link #clean()} is the
 * pass/fail answer: no finding whose kind is a defect. Explicit losses ({@code recovered: false}) and epoch resets are
 * reported but do not make a verdict dirty.
 *
 * @param findings silent losses first for each subscriber, then the rest, channel by channel
 * @param totals what was checked
 */
public record Verdict(List<Finding> findings, Totals totals) {

  /**
   * What was checked.
   *
   * @param channels channels checked
   * @param subscribers subscriber logs checked
   * @param acknowledged distinct acknowledged publications
   * @param deliveries publications received, all subscribers together
   * @param recoveries resubscribes answered {@code recovered: true}
   */
  public record Totals(long channels, long subscribers, long acknowledged, long deliveries, long recoveries) {}

  public Verdict {
    findings = List.copyOf(findings);
  }

  /** No defect: nothing lost silently, duplicated, reordered, missing from history or rewritten. */
  public boolean clean() {
    return findings.stream().noneMatch(f -> f.kind().defect());
  }

  /** The findings of one kind. */
  public List<Finding> findings(Finding.Kind kind) {
    return findings.stream().filter(f -> f.kind() == kind).toList();
  }

  /** Publications concerned by findings of {@code kind}, all findings together. */
  public long count(Finding.Kind kind) {
    return findings.stream().filter(f -> f.kind() == kind).mapToLong(Finding::count).sum();
  }

  /** Publications lost without the subscriber being told: the figure that must be 0. */
  public long silentLosses() {
    return count(Finding.Kind.SILENT_LOSS);
  }

  /** Several lines for a console: the verdict, one count per kind, then up to {@code maxFindings} findings. */
  public String summary(int maxFindings) {
    StringBuilder b = new StringBuilder();
    b.append(clean() ? "CLEAN" : "DEFECTS FOUND").append(String.format(
        ": %d channels, %d subscribers, %d acknowledged publications, %d deliveries, %d recoveries%n",
        totals.channels(), totals.subscribers(), totals.acknowledged(), totals.deliveries(), totals.recoveries()));
    for (Finding.Kind k : Finding.Kind.values()) {
      b.append(String.format("  %-40s %d%s%n", k.label(), count(k), k.defect() || count(k) == 0 ? "" : " (told, not a defect)"));
    }
    int shown = 0;
    for (Finding f : findings) {
      if (shown++ == maxFindings) {
        b.append("  … ").append(findings.size() - maxFindings).append(" more findings\n");
        break;
      }
      b.append("  ").append(f.describe()).append('\n');
    }
    return b.toString();
  }

  /**
   * {@code {"clean":…, "totals":{…}, "counts":{"silent_loss":N,…}, "findings":[{kind, channel, subscriber, count,
   * detail, samples}]}} with at most {@code maxFindings} findings (the counts cover all of them).
   */
  public ObjectNode toJson(int maxFindings) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("clean", clean());
    ObjectNode t = root.putObject("totals");
    t.put("channels", totals.channels());
    t.put("subscribers", totals.subscribers());
    t.put("acknowledged", totals.acknowledged());
    t.put("deliveries", totals.deliveries());
    t.put("recoveries", totals.recoveries());
    ObjectNode counts = root.putObject("counts");
    for (Finding.Kind k : Finding.Kind.values()) counts.put(k.jsonName(), count(k));
    ArrayNode list = root.putArray("findings");
    for (Finding f : findings.subList(0, Math.min(findings.size(), maxFindings))) {
      ObjectNode o = list.addObject();
      o.put("kind", f.kind().jsonName());
      o.put("defect", f.kind().defect());
      o.put("channel", f.channel());
      if (f.subscriber() != null) o.put("subscriber", f.subscriber());
      o.put("count", f.count());
      o.put("detail", f.detail());
      ArrayNode samples = o.putArray("samples");
      f.samples().forEach(samples::add);
    }
    root.put("findings_total", findings.size());
    return root;
  }
}
