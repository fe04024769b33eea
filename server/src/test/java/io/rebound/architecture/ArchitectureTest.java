package io.rebound.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure as rules (STRUCTURE-REVIEW.md §4): no cycles, contracts before
 * implementations, the edge and the API apart, and an SDK that knows nothing of the server. Main
 * code only; the SDK and protocol modules are on this module's test classpath, so they are checked
 * here too.
 */
@AnalyzeClasses(packages = "io.rebound", importOptions = ArchitectureTest.MainCodeOnly.class)
class ArchitectureTest {

  /**
   * Main classes of every module, whether Maven hands them over as target/classes or as a reactor
   * jar; never test classes or test-jars (which may use anything).
   */
  static final class MainCodeOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/") && !location.contains("-tests.jar");
    }
  }

  /** Every package is its own slice, so a cycle between a package and its sub-package counts too. */
  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.rebound.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule apiNeverImportsEdge =
      noClasses().that().resideInAPackage("io.rebound.api..").should().dependOnClassesThat().resideInAPackage("io.rebound.edge..");

  @ArchTest
  static final ArchRule edgeNeverImportsApi =
      noClasses().that().resideInAPackage("io.rebound.edge..").should().dependOnClassesThat().resideInAPackage("io.rebound.api..");

  /** A session is driven through its Transport, so it runs without sockets (ClientSessionTest); only the edge's transports touch one. */
  @ArchTest
  static final ArchRule sessionsNeverTouchASocket = noClasses().that().resideInAPackage("io.rebound.edge.session..")
      .should().dependOnClassesThat().resideInAnyPackage("io.vertx.core.http..", "io.vertx.core.net..", "io.netty..");

  /**
   * The client protocol's model and wire formats know nothing of the server beyond the value types
   * and the protocol facts, so a new format (Protobuf) is a codec, not edits in the edge.
   */
  @ArchTest
  static final ArchRule wireCodecsStandAlone = classes().that().resideInAPackage("io.rebound.codec..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.rebound.codec..", "io.rebound.core..", "io.rebound.protocol..",
          "java..", "com.fasterxml.jackson..", "io.vertx.core.buffer..");

  @ArchTest
  static final ArchRule enginesNeverImportEdgeOrApi = noClasses().that().resideInAPackage("io.rebound.engine..")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.edge..", "io.rebound.api..", "io.rebound.recovery..", "io.rebound.history..");

  @ArchTest
  static final ArchRule engineContractsNameNoImplementation = noClasses().that().resideInAPackage("io.rebound.engine")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.engine.memory..", "io.rebound.engine.hazelcast..", "io.rebound.engine.redis..");

  @ArchTest
  static final ArchRule memoryEngineIsSelfContained = noClasses().that().resideInAPackage("io.rebound.engine.memory..")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.engine.hazelcast..", "io.rebound.engine.redis..");

  @ArchTest
  static final ArchRule hazelcastEngineIsSelfContained = noClasses().that().resideInAPackage("io.rebound.engine.hazelcast..")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.engine.memory..", "io.rebound.engine.redis..");

  @ArchTest
  static final ArchRule redisEngineIsSelfContained = noClasses().that().resideInAPackage("io.rebound.engine.redis..")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.engine.memory..", "io.rebound.engine.hazelcast..");

  /** Only the composition root (io.rebound: Main, Node, Engines) names engine implementations. */
  @ArchTest
  static final ArchRule onlyTheRootNamesEngineImplementations = noClasses()
      .that().resideOutsideOfPackages("io.rebound", "io.rebound.engine.memory..", "io.rebound.engine.hazelcast..", "io.rebound.engine.redis..")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.engine.memory..", "io.rebound.engine.hazelcast..", "io.rebound.engine.redis..");

  /**
   * What the Hazelcast-backed parts share — the engine and the webhook ledger, which must not know each other — lives
   * in io.rebound.hazelcast, a leaf that knows only Hazelcast, Vert.x core and the JDK: it can never carry one of them
   * into the other.
   */
  @ArchTest
  static final ArchRule hazelcastSupportIsALeaf = classes().that().resideInAPackage("io.rebound.hazelcast..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.rebound.hazelcast..", "java..", "com.hazelcast..", "io.vertx.core..",
          "io.vertx.spi.cluster.hazelcast..", "org.slf4j..");

  /** The webhook ledgers keep their records beside the engine (in Hazelcast, in Redis), never through it: they share Hazelcast support, not engine code. */
  @ArchTest
  static final ArchRule webhooksNeverImportEngines = noClasses().that().resideInAPackage("io.rebound.webhook..")
      .should().dependOnClassesThat().resideInAPackage("io.rebound.engine..");

  @ArchTest
  static final ArchRule coreValueTypesStandAlone = classes().that().resideInAPackage("io.rebound.core..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.rebound.core..", "java..");

  /** The admin page hangs off the composition root: nothing of the broker depends on it. */
  @ArchTest
  static final ArchRule onlyTheRootImportsAdmin = noClasses().that().resideOutsideOfPackages("io.rebound", "io.rebound.admin..")
      .should().dependOnClassesThat().resideInAPackage("io.rebound.admin..");

  /** The admin page acts through the server API's event-bus door, never on edges, API internals or engines directly. */
  @ArchTest
  static final ArchRule adminGoesThroughTheApiDoor = noClasses().that().resideInAPackage("io.rebound.admin..")
      .should().dependOnClassesThat().resideInAnyPackage("io.rebound.edge..", "io.rebound.api..", "io.rebound.engine..",
          "io.rebound.history..", "io.rebound.recovery..");

  /** The SDK's whole world: itself, the shared protocol facts, the JDK, Vert.x core, Jackson, slf4j. */
  @ArchTest
  static final ArchRule sdkNeverImportsTheServer = classes().that().resideInAPackage("io.rebound.client..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.rebound.client..", "io.rebound.protocol..", "java..",
          "io.vertx.core..", "io.netty..", "com.fasterxml.jackson..", "org.slf4j..");

  /** The protocol facts are shared by server and SDK: they depend on nothing but the JDK. */
  @ArchTest
  static final ArchRule protocolFactsDependOnNothing = classes().that().resideInAPackage("io.rebound.protocol..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.rebound.protocol..", "java..");
}
