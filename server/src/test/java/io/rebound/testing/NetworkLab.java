package io.rebound.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Members in Linux network namespaces of their own, joined by veth links to a bridge in one more namespace, so that a
 * test can cut a member off for real: {@link #cut} detaches the member's link from the bridge (its frames are dropped
 * silently, like a dead switch port: no reset, no error, nothing but silence), {@link #restore} attaches it again.
 * Member {@code i} has address {@code 10.77.0.<i>} inside its namespace; nothing is created or changed outside the
 * namespaces this lab creates. The test reaches a member's HTTP port through a Unix domain socket ({@link #expose}).
 *
 * <p>Needs root and iproute2's {@code ip} (CI runs as root; {@code .ci/run} installs iproute2 when {@code ip} is
 * missing). Namespaces are named {@code rbnet-<test JVM pid>-<n>-…}; {@link #close()} deletes them, a shutdown hook
 * does if the test JVM exits first, and a new lab first removes those of test JVMs that no longer run (with the node
 * processes still in them, orphans of a test JVM that was killed).
 */
public final class NetworkLab implements AutoCloseable {

  private static final String PREFIX = "rbnet-";
  private static final AtomicInteger LABS = new AtomicInteger();
  private static final Path JS_DIR = Path.of("src", "test", "js");

  private final String ip;
  private final String name;
  private final int members;
  private final Path sockets;
  private final List<Process> bridges = new ArrayList<>();
  private final Thread cleanup = new Thread(this::deleteNamespaces, "network-lab-cleanup");

  private NetworkLab(String ip, int members) throws IOException {
    this.ip = ip;
    this.members = members;
    this.name = PREFIX + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet();
    this.sockets = Files.createTempDirectory("rebound-netlab-");
  }

  /** Creates the namespaces of {@code members} members (1…members) and the bridge between them. */
  public static NetworkLab create(int members) {
    String ip = findIp();
    removeStale(ip);
    NetworkLab lab;
    try {
      lab = new NetworkLab(ip, members);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(lab.cleanup);
    try {
      lab.build();
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private void build() {
    String hub = hub();
    run(ip, "netns", "add", hub);
    run(ip, "-n", hub, "link", "add", "br0", "type", "bridge");
    run(ip, "-n", hub, "link", "set", "br0", "up");
    for (int i = 1; i <= members; i++) {
      String ns = namespace(i);
      run(ip, "netns", "add", ns);
      run(ip, "-n", ns, "link", "set", "lo", "up");
      run(ip, "-n", hub, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
      run(ip, "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
      run(ip, "-n", ns, "link", "set", "eth0", "up");
      run(ip, "-n", hub, "link", "set", "v" + i, "master", "br0");
      run(ip, "-n", hub, "link", "set", "v" + i, "up");
    }
  }

  /** The namespace of member {@code i} (1-based). */
  public String namespace(int i) {
    if (i < 1 || i > members) throw new IllegalArgumentException("no member " + i);
    return name + "-m" + i;
  }

  private String hub() {
    return name + "-hub";
  }

  /** Member {@code i}'s address, inside its namespace. */
  public static String address(int i) {
    return "10.77.0." + i;
  }

  /** The command prefix that runs a program inside member {@code i}'s namespace. */
  public List<String> launcher(int i) {
    return List.of(ip, "netns", "exec", namespace(i));
  }

  /** Cuts member {@code i} off from every other member (its link leaves the bridge). */
  public void cut(int i) {
    run(ip, "-n", hub(), "link", "set", "v" + i, "nomaster");
  }

  /** Joins member {@code i} to the others again. */
  public void restore(int i) {
    run(ip, "-n", hub(), "link", "set", "v" + i, "master", "br0");
  }

  /**
   * Makes TCP port {@code port} of member {@code i}'s namespace reachable from the test: a bridge inside the namespace
   * ({@code src/test/js/uds-bridge.mjs}) listens on a Unix domain socket, and a relay here listens on a local port.
   * The relay is the caller's to close; the bridge is stopped with the lab.
   */
  public UnixSocketRelay expose(int i, int port) {
    Path socket = sockets.resolve("m" + i + "-" + port + ".sock");
    List<String> cmd = new ArrayList<>(launcher(i));
    cmd.addAll(List.of(System.getProperty("node.executable", "node"), "uds-bridge.mjs", socket.toString(), Integer.toString(port)));
    try {
      Process p = new ProcessBuilder(cmd).directory(JS_DIR.toAbsolutePath().toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      bridges.add(p);
      String line = new String(p.getInputStream().readNBytes("listening\n".length()), StandardCharsets.UTF_8);
      if (!line.equals("listening\n")) throw new IllegalStateException("uds-bridge in " + namespace(i) + " did not start: " + line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UnixSocketRelay.start(socket);
  }

  @Override
  public void close() {
    deleteNamespaces();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void deleteNamespaces() {
    for (Process p : bridges) p.destroyForcibly();
    bridges.clear();
    for (String ns : listNamespaces(ip)) {
      if (ns.startsWith(name + "-")) runQuietly(ip, "netns", "del", ns);
    }
  }

  /** Namespaces of labs whose test JVM is gone, with the processes left in them (that JVM's node processes). */
  private static void removeStale(String ip) {
    for (String ns : listNamespaces(ip)) {
      if (!ns.startsWith(PREFIX)) continue;
      String[] parts = ns.substring(PREFIX.length()).split("-");
      long pid;
      try {
        pid = Long.parseLong(parts[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (ProcessHandle.of(pid).isPresent()) continue; // a running build's lab
      for (String orphan : run(ip, "netns", "pids", ns).split("\\s+")) {
        if (!orphan.isBlank()) ProcessHandle.of(Long.parseLong(orphan.trim())).ifPresent(ProcessHandle::destroyForcibly);
      }
      runQuietly(ip, "netns", "del", ns);
    }
  }

  private static List<String> listNamespaces(String ip) {
    List<String> out = new ArrayList<>();
    for (String line : run(ip, "netns", "list").split("\n")) {
      if (!line.isBlank()) out.add(line.trim().split("\\s+")[0]);
    }
    return out;
  }

  private static String findIp() {
    for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
      if (Files.isExecutable(Path.of(candidate))) return candidate;
    }
    throw new IllegalStateException("NetworkLab needs iproute2's 'ip' (apt-get install iproute2) and root: none of"
        + " /usr/sbin/ip, /sbin/ip, /usr/bin/ip, /bin/ip exists");
  }

  private static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.trim()
            + (out.contains("Operation not permitted") ? " — NetworkLab needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)" : ""));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void runQuietly(String... cmd) {
    try {
      run(cmd);
    } catch (RuntimeException ignored) {
      // best effort while cleaning up
    }
  }
}
