package io.rebound.loadtest.verify;

import io.rebound.testing.verify.Finding;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * report.html of a verification run: one self-contained page (inline CSS and SVG, no script, no network) with the
 * verdict, the counts per kind, the findings and a timeline of connected clients and traffic, so a reload or a restart
 * shows as what it was.
 */
final class VerifyHtml {

  private static final int W = 900;
  private static final int H = 200;
  private static final int PAD = 50;

  private VerifyHtml() {}

  static String render(VerifyResult r) {
    boolean ok = r.exitCode() == 0;
    StringBuilder b = new StringBuilder(32 * 1024);
    b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Rebound verify ").append(esc(r.run())).append("</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:24px;max-width:960px}table{border-collapse:collapse;margin:8px 0}")
        .append("td,th{padding:3px 10px 3px 0;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append(".ok{background:#e6f4ea;color:#135e2b}.bad{background:#fde8e8;color:#8a1c1c}.v{padding:10px 14px;font-weight:600;font-size:16px}")
        .append("svg{background:#fafafa;border:1px solid #ddd}code{font-size:12px}</style></head><body>");
    b.append("<h1>Rebound live verification</h1>");
    b.append("<div class=\"v ").append(ok ? "ok" : "bad").append("\">").append(esc(r.summary().lines().findFirst().orElse(""))).append("</div>");
    b.append("<table>");
    row(b, "run", r.run());
    row(b, "targets", String.join(", ", r.options().targets));
    row(b, "channels", r.channels().size() + " (" + String.join(", ", r.channels()) + ")");
    row(b, "clients", r.options().clients + " SDK clients, each on every channel" + (r.options().resume ? ", session resume on" : ", per-channel recovery"));
    row(b, "publications", r.verdict().totals().acknowledged() + " acknowledged at " + r.options().rate + "/s per channel over "
        + String.format(Locale.ROOT, "%.0f s", r.publishSeconds()) + ", " + r.retries() + " attempts retried"
        + (r.lastPublishError() == null ? "" : " (last error: " + r.lastPublishError() + ")"));
    row(b, "deliveries", r.verdict().totals().deliveries() + " recorded; " + r.reconnects() + " client reconnects; "
        + r.verdict().totals().recoveries() + " resubscribes answered recovered:true");
    row(b, "caught up", r.quiesced() ? "every subscriber got the last publication of its channel" : "NOT every subscriber caught up before the deadline");
    if (r.options().dropEvery > 0) row(b, "self-test", "clients dropped every " + r.options().dropEvery + "th publication on purpose: the verdict must name them");
    if (r.historyError() != null) row(b, "history", "not checked: " + r.historyError());
    b.append("</table><h2>Counts</h2><table><tr><th>kind</th><th>publications</th><th></th></tr>");
    for (Finding.Kind k : Finding.Kind.values()) {
      long n = r.verdict().count(k);
      b.append("<tr><td>").append(esc(k.label())).append("</td><td class=\"n\">").append(n).append("</td><td>")
          .append(k.defect() ? (n > 0 ? "<b>defect</b>" : "") : "told to the client: not a defect").append("</td></tr>");
    }
    b.append("</table><h2>Connected clients and traffic</h2>");
    chart(b, r.timeline());
    b.append("<h2>Findings</h2>");
    List<Finding> findings = r.verdict().findings();
    if (findings.isEmpty()) {
      b.append("<p>None.</p>");
    } else {
      b.append("<table><tr><th>kind</th><th>channel</th><th>subscriber</th><th>count</th><th>what</th></tr>");
      for (Finding f : findings.subList(0, Math.min(findings.size(), VerifyOptions.MAX_FINDINGS_REPORTED))) {
        b.append("<tr class=\"").append(f.kind().defect() ? "bad" : "").append("\"><td>").append(f.kind().jsonName()).append("</td><td>")
            .append(esc(f.channel())).append("</td><td>").append(esc(f.subscriber() == null ? "" : f.subscriber())).append("</td><td class=\"n\">")
            .append(f.count()).append("</td><td>").append(esc(f.detail()))
            .append(f.samples().isEmpty() ? "" : "<br><code>" + esc(String.join("; ", f.samples())) + "</code>").append("</td></tr>");
      }
      b.append("</table>");
      if (findings.size() > VerifyOptions.MAX_FINDINGS_REPORTED) b.append("<p>… and ").append(findings.size() - VerifyOptions.MAX_FINDINGS_REPORTED).append(" more.</p>");
    }
    b.append("<p>Silent loss: acknowledged by the API, never handed to a subscriber, and no <code>recovered:false</code> said so. "
        + "Explicit loss: the subscriber was told (<code>recovered:false</code>) and an app would reload its state. "
        + "The recording is in observations.json; <code>verify --check observations.json</code> checks it again.</p>");
    b.append("</body></html>\n");
    return b.toString();
  }

  private static void chart(StringBuilder b, List<RunTimeline.Sample> t) {
    if (t.size() < 2) {
      b.append("<p>Too short for a chart.</p>");
      return;
    }
    double tMax = t.get(t.size() - 1).atMs() / 1000.0;
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" font-size=\"11\" font-family=\"sans-serif\">");
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", PAD, H - 25, W - 10, H - 25));
    for (int i = 0; i <= 10; i++) {
      double x = PAD + (W - PAD - 10) * i / 10.0;
      b.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%.0fs</text>", x, H - 10, tMax * i / 10));
    }
    double[] connected = t.stream().mapToDouble(RunTimeline.Sample::connected).toArray();
    series(b, t, tMax, "connected clients", "#1f77b4", connected, 0);
    series(b, t, tMax, "acknowledged/s", "#ff7f0e", perSecond(t, RunTimeline.Sample::acked), 1);
    series(b, t, tMax, "deliveries/s", "#2ca02c", perSecond(t, RunTimeline.Sample::deliveries), 2);
    b.append("</svg><p>Each line is scaled to its own maximum (given in the legend).</p>");
  }

  /** Per-second differences of a cumulative counter, one per sample. */
  private static double[] perSecond(List<RunTimeline.Sample> t, ToDoubleFunction<RunTimeline.Sample> total) {
    double[] perS = new double[t.size()];
    for (int i = 1; i < t.size(); i++) {
      double dt = Math.max(1, t.get(i).atMs() - t.get(i - 1).atMs()) / 1000.0;
      perS[i] = (total.applyAsDouble(t.get(i)) - total.applyAsDouble(t.get(i - 1))) / dt;
    }
    return perS;
  }

  private static void series(StringBuilder b, List<RunTimeline.Sample> t, double tMax, String name, String color, double[] values, int legendRow) {
    double max = 1;
    for (double v : values) max = Math.max(max, v);
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < t.size(); i++) {
      double x = PAD + (W - PAD - 10) * (t.get(i).atMs() / 1000.0) / Math.max(1e-9, tMax);
      double y = (H - 25) - (H - 45) * values[i] / max;
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"").append(pts).append("\"/>");
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s (max %.0f)</text>", PAD + 10 + legendRow * 220, 14, color, name, max));
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
