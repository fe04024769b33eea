package io.rebound.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flags ({@code --name value} or {@code --name=value}) and positional arguments of one command, checked against the
 * flags it knows: an unknown flag, a missing value or a flag given twice is a {@link UsageException}.
 */
final class Args {

  private final Map<String, String> flags = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args() {}

  /** Parses {@code args}; {@code known} are the flags (without {@code --}) that take a value. */
  static Args parse(List<String> args, Set<String> known) {
    Args a = new Args();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.equals("--")) {
        a.positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!known.contains(name)) throw new UsageException("unknown option --" + name);
      if (value == null) {
        if (i + 1 >= args.size()) throw new UsageException("--" + name + " needs a value");
        value = args.get(++i);
      }
      if (a.flags.put(name, value) != null) throw new UsageException("--" + name + " given twice");
    }
    return a;
  }

  /** The value of {@code --name}, or {@code def} when absent. */
  String get(String name, String def) {
    return flags.getOrDefault(name, def);
  }

  /** The value of {@code --name}; a UsageException when absent. */
  String required(String name) {
    String v = flags.get(name);
    if (v == null) throw new UsageException("--" + name + " is required");
    return v;
  }

  boolean has(String name) {
    return flags.containsKey(name);
  }

  /** The positional arguments; a UsageException when there are more than {@code max}. */
  List<String> positional(int max) {
    if (positional.size() > max) throw new UsageException("unexpected argument " + positional.get(max));
    return positional;
  }
}
