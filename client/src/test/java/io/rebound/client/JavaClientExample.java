package io.rebound.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Supplier;

/** The README's "Java client" example, kept here so that it compiles (it is not run). */
final class JavaClientExample {

  private JavaClientExample() {}

  static void example(Vertx vertx, Supplier<Future<String>> fetchToken) {
    ReboundClient client = ReboundClient.create(vertx, new ReboundClientOptions()
        .url("ws://localhost:8000/connection/websocket")
        .tokenSupplier(fetchToken)); // first token, a new one after error 109, a refresh before expiry
    client.addListener(new ClientListener() {
      @Override public void onConnected(ConnectedEvent e) { System.out.println("connected, resumed=" + e.resumed()); }
      @Override public void onGaveUp(GaveUpEvent e) { System.out.println("offline for " + e.afterMs() + " ms: gave up"); }
    });
    Subscription chat = client.newSubscription("chat:index");
    chat.addListener(new SubscriptionListener() {
      @Override public void onSubscribed(SubscribedEvent e) {
        if (e.wasRecovering() && !e.recovered()) System.out.println("gap: reload the state"); // else nothing was missed
      }
      @Override public void onPublication(Publication p) { System.out.println(p.offset() + " " + p.data()); } // in order, once
    });
    chat.subscribe();
    client.connect();
    chat.publish(Map.of("text", "hello")) // idempotency key: applied once even if resent after a reconnect
        .onFailure(e -> System.out.println(e instanceof RecoveryBufferFullException ? "slow down" : "failed: " + e));
    client.history("chat:index", HistoryOptions.latest(50).reverse(true))
        .onSuccess(h -> System.out.println(h.publications().size() + " newest, top " + h.top()));
  }
}
