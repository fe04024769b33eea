/**
 * The command line of {@code rebound.jar} besides running a node: {@code genconfig}, {@code checkconfig},
 * {@code gentoken}, {@code gensubtoken}, {@code checktoken}, {@code version} and {@code help}, one class per command,
 * dispatched by {@link io.rebound.cli.Cli}; and {@link io.rebound.cli.ServeArguments}, the flags of the node itself.
 * Commands write to the streams they are given and return an exit status (0 done, 1 refused or invalid, 2 bad usage),
 * so tests run them in-process; nothing here starts a node.
 */
package io.rebound.cli;
