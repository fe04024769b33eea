package io.rebound.k8s;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a PromQL expression uses, found by a small lexer: metric names, label names (in matchers and in
 * {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_left}/{@code group_right} lists) and function
 * names. Enough for the expressions of a dashboard and alert rules; Grafana variables ({@code $x}, {@code ${x}}) are
 * skipped like literals.
 */
final class PromQl {

  /** The names used by one expression. */
  record Names(Set<String> metrics, Set<String> labels, Set<String> functions) {}

  /** PromQL's functions and aggregation operators (Prometheus 2.x). */
  static final Set<String> FUNCTIONS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk",
      "quantile", "count_values", "group", "rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "abs",
      "absent", "absent_over_time", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max", "changes", "resets",
      "histogram_quantile", "label_replace", "label_join", "time", "timestamp", "vector", "scalar", "sort", "sort_desc",
      "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time",
      "quantile_over_time", "stddev_over_time", "present_over_time", "exp", "ln", "log2", "log10", "sqrt", "sgn",
      "day_of_week", "day_of_month", "hour", "minute", "month", "year", "days_in_month");

  private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");

  private PromQl() {}

  static Names names(String expr) {
    Names n = new Names(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>());
    List<String> tokens = tokens(expr);
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
      if (t.equals("{")) {
        i = matchers(tokens, i + 1, n.labels());
      } else if (isIdentifier(t)) {
        String lower = t.toLowerCase();
        if (LABEL_LISTS.contains(lower)) {
          if (next.equals("(")) {
            for (i += 2; i < tokens.size() && !tokens.get(i).equals(")"); i++) if (isIdentifier(tokens.get(i))) n.labels().add(tokens.get(i));
          }
        } else if (KEYWORDS.contains(lower)) {
          continue;
        } else if (next.equals("(") || next.equalsIgnoreCase("by") || next.equalsIgnoreCase("without")) {
          n.functions().add(t); // a call, or an aggregation with its grouping first: sum by (code) (…)
        } else {
          n.metrics().add(t);
        }
      }
    }
    return n;
  }

  /** Reads label matchers up to the closing brace; returns the index of that brace. */
  private static int matchers(List<String> tokens, int from, Set<String> labels) {
    int i = from;
    for (; i < tokens.size() && !tokens.get(i).equals("}"); i++) {
      String t = tokens.get(i);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
      if (isIdentifier(t) && List.of("=", "!=", "=~", "!~").contains(next)) labels.add(t);
    }
    return i;
  }

  private static boolean isIdentifier(String t) {
    return !t.isEmpty() && (Character.isLetter(t.charAt(0)) || t.charAt(0) == '_' || t.charAt(0) == ':');
  }

  /** Identifiers, punctuation and operators; strings, numbers, durations, ranges and Grafana variables are dropped. */
  static List<String> tokens(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '\'' || c == '`') {
        int end = i + 1;
        while (end < s.length() && s.charAt(end) != c) end += s.charAt(end) == '\\' ? 2 : 1;
        out.add("\"\"");
        i = end + 1;
      } else if (c == '[') {
        i = s.indexOf(']', i) + 1; // a range or subquery: durations and variables only
        if (i == 0) throw new IllegalArgumentException("unclosed [ in " + s);
      } else if (c == '$') {
        int end = i + 1;
        if (end < s.length() && s.charAt(end) == '{') end = s.indexOf('}', end) + 1;
        else while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) end++;
        i = end;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int end = i;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '.'
            || ((s.charAt(end) == '-' || s.charAt(end) == '+') && (s.charAt(end - 1) == 'e' || s.charAt(end - 1) == 'E')))) end++;
        i = end; // 0.05, 1e-9, 5m offsets
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int end = i;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_' || s.charAt(end) == ':')) end++;
        out.add(s.substring(i, end));
        i = end;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (List.of("!=", "=~", "!~", "==", ">=", "<=").contains(two)) {
          out.add(two);
          i += 2;
        } else {
          out.add(String.valueOf(c));
          i++;
        }
      }
    }
    return out;
  }
}
