package io.rebound.loadtest.reconnect;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * report.html: one self-contained page (inline SVG and CSS, no scripts, no CDN) so it can be attached
 * to a ticket or opened offline. Top: verdict and key figures; then time series around the disruption
 * (marked by red dashed lines) and the recovery-latency histogram.
 */
final class HtmlReport {

  private static final int W = 900;
  private static final int H = 220;
  private static final int PAD = 50;

  private HtmlReport() {}

  static String render(MassReconnectResult r) {
    List<Timeline.Sample> t = r.timeline();
    StringBuilder b = new StringBuilder(64 * 1024);
    boolean ok = r.strictOk();
    b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Rebound mass reconnect: ").append(r.options().scenario.flag())
        .append("</title><style>body{font:14px system-ui,sans-serif;margin:24px;max-width:960px}")
        .append("table{border-collapse:collapse}td{padding:2px 12px 2px 0}td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append(".ok{background:#e6f4ea;color:#135e2b}.bad{background:#fde8e8;color:#8a1c1c}.v{padding:8px 12px;font-weight:600}")
        .append("svg{background:#fafafa;border:1px solid #ddd;margin:8px 0}</style></head><body>");
    b.append("<h1>Mass reconnect: ").append(r.options().scenario.flag()).append("</h1>");
    b.append("<div class=\"v ").append(ok ? "ok" : "bad").append("\">")
        .append(String.format(Locale.ROOT, "%s &mdash; %.2f %% recovered%s, %d lost, %d duplicates, full recovery p50 %d ms / p99 %d ms / max %d ms",
            ok ? "PASS" : "FAIL", r.recoveredPct(), r.options().resume ? " (" + r.resumed() + " clients resumed)" : "", r.lost(), r.duplicates(),
            r.latencyPercentileMs(50), r.latencyPercentileMs(99), r.latencyPercentileMs(100)))
        .append("</div>");
    figures(b, r);
    List<Long> marks = r.disruptionsMs();
    b.append("<h2>Connected clients</h2>");
    chart(b, t, marks, List.of(new Series("connected", "#1f77b4", s -> s.connected())));
    b.append("<h2>Deliveries/s and publications/s</h2>");
    chart(b, t, marks, List.of(new Series("deliveries/s", "#2ca02c", Timeline.Sample::deliveriesPerS),
        new Series("publications/s", "#ff7f0e", Timeline.Sample::publishesPerS)));
    b.append("<h2>CPU (% of all cores) and heap (MB)</h2>");
    chart(b, t, marks, List.of(new Series("process CPU %", "#9467bd", Timeline.Sample::processCpuPct),
        new Series("broker CPU %", "#d62728", Timeline.Sample::brokerCpuPct), new Series("heap MB", "#7f7f7f", Timeline.Sample::heapMb)));
    b.append("<h2>Time to full recovery per affected client (histogram)</h2>");
    histogram(b, r.recoveryLatencyMicros());
    b.append("<p>Red dashed line = disruption instant. Time axis in seconds since the run started. ")
        .append("Recovery latency = disruption instant until the client is connected again and both its subscriptions answered.</p>");
    b.append("</body></html>\n");
    return b.toString();
  }

  private static void figures(StringBuilder b, MassReconnectResult r) {
    b.append("<table>");
    row(b, "clients / nodes / engine", r.options().clients + " / " + (r.options().targets.isEmpty() ? r.options().nodes : r.options().targets.size())
        + " / " + (!r.options().targets.isEmpty() ? "external" : r.options().nodes > 1 ? "hazelcast" : "memory"));
    row(b, "publications (rate target " + r.options().rate + "/s)", r.published() + String.format(Locale.ROOT, " (%.0f/s), retries %d", r.publishPerS(), r.publishRetries()));
    row(b, "deliveries", r.deliveries() + String.format(Locale.ROOT, " (%.0f/s)", r.deliveriesPerS()));
    row(b, "affected clients / not back at the end", r.affectedClients() + " / " + r.notRecoveredClients());
    row(b, "recovered (from history + resumed subscriptions) / recovered:false / fresh", r.recovered() + " (" + r.recoveredFromHistory()
        + " + " + r.resumedSubscriptions() + ") / " + r.unrecovered() + " / " + r.freshSubscribes());
    row(b, "session resume " + (r.options().resume ? "on" : "off") + ": resumed clients / resume refused (fell back to recovery)",
        r.resumed() + " / " + r.resumeRefused());
    row(b, "lost / duplicates", r.lost() + " / " + r.duplicates());
    row(b, "recoveries served from broker history (metric delta)", String.valueOf(r.historyRecoveries()));
    row(b, "app backend state reloads: with recovery / without", r.unrecovered() + " / " + r.backendRequestsWithoutRecovery());
    row(b, "CPU process max / avg, brokers max / avg (% of all cores)", String.format(Locale.ROOT, "%.0f / %.0f, %.0f / %.0f",
        r.maxProcessCpuPct(), r.avgProcessCpuPct(), r.maxBrokerCpuPct(), r.avgBrokerCpuPct()));
    row(b, "heap max (MB, whole JVM)", String.format(Locale.ROOT, "%.0f", r.maxHeapMb()));
    row(b, "quiesced (every subscription caught up)", r.quiesced() + (r.quiesced() ? "" : ", " + r.notCaughtUpSubscriptions() + " not caught up"));
    b.append("</table>");
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><td>").append(k).append("</td><td class=\"n\">").append(v).append("</td></tr>");
  }

  private record Series(String name, String color, ToDoubleFunction<Timeline.Sample> value) {}

  private static void chart(StringBuilder b, List<Timeline.Sample> t, List<Long> marks, List<Series> series) {
    double tMax = t.isEmpty() ? 1 : Math.max(1, t.get(t.size() - 1).tMs());
    double tMin = t.isEmpty() ? 0 : t.get(0).tMs();
    double yMax = 1;
    for (Series s : series) for (Timeline.Sample x : t) yMax = Math.max(yMax, s.value.applyAsDouble(x));
    yMax = niceCeil(yMax);
    svgOpen(b);
    axes(b, tMin / 1000, tMax / 1000, yMax);
    for (long m : marks) {
      double x = xOf(m, tMin, tMax);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d00\" stroke-dasharray=\"5,4\"/>", x, x, H - 30));
    }
    int legendX = PAD + 10;
    for (Series s : series) {
      b.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(s.color).append("\" points=\"");
      for (Timeline.Sample x : t) {
        b.append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf(x.tMs(), tMin, tMax), yOf(s.value.applyAsDouble(x), yMax)));
      }
      b.append("\"/>");
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" fill=\"%s\">%s</text>", legendX, s.color, s.name));
      legendX += 12 + 8 * s.name.length();
    }
    b.append("</svg>");
  }

  private static void histogram(StringBuilder b, long[] micros) {
    if (micros.length == 0) {
      b.append("<p>No client was affected.</p>");
      return;
    }
    long maxMs = 1;
    for (long m : micros) maxMs = Math.max(maxMs, m / 1000 + 1);
    int bins = 40;
    double width = niceCeil(maxMs) / bins;
    int[] counts = new int[bins];
    for (long m : micros) counts[(int) Math.min(bins - 1, (m / 1000.0) / width)]++;
    int top = 1;
    for (int c : counts) top = Math.max(top, c);
    double yMax = niceCeil(top);
    svgOpen(b);
    axes(b, 0, width * bins / 1000.0, yMax);
    double bw = (W - PAD - 20) / (double) bins;
    for (int i = 0; i < bins; i++) {
      double y = yOf(counts[i], yMax);
      b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\"><title>%.0f-%.0f ms: %d</title></rect>",
          PAD + i * bw + 1, y, bw - 2, H - 30 - y, i * width, (i + 1) * width, counts[i]));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\">clients per %.0f ms bin (x axis: seconds after the disruption)</text>", PAD + 10, width));
    b.append("</svg>");
  }

  private static void svgOpen(StringBuilder b) {
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" font-size=\"11\" font-family=\"sans-serif\">");
  }

  private static void axes(StringBuilder b, double x0, double x1, double yMax) {
    int bottom = H - 30;
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", PAD, bottom, W - 20, bottom));
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", PAD, PAD, bottom));
    for (int i = 0; i <= 4; i++) {
      double v = yMax * i / 4;
      double y = yOf(v, yMax);
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", PAD - 4, y + 4, label(v)));
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", PAD + 1, y, W - 20, y));
    }
    for (int i = 0; i <= 10; i++) {
      double v = x0 + (x1 - x0) * i / 10;
      double x = PAD + (W - PAD - 20) * i / 10.0;
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, bottom + 16, label(v)));
    }
  }

  private static double xOf(double tMs, double tMin, double tMax) {
    return PAD + (W - PAD - 20) * (tMs - tMin) / Math.max(1, tMax - tMin);
  }

  private static double yOf(double v, double yMax) {
    return (H - 30) - (H - 40) * Math.min(v, yMax) / yMax;
  }

  private static String label(double v) {
    if (v >= 10_000) return String.format(Locale.ROOT, "%.0fk", v / 1000);
    if (v >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%.0f", v);
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** 1, 2, 5 x 10^n at or above v. */
  static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
    for (double m : new double[] {1, 2, 5, 10}) if (m * p >= v) return m * p;
    return 10 * p;
  }
}
