package io.rebound.loadtest.verify;

import io.rebound.client.Discontinuity;
import io.rebound.client.Publication;
import io.rebound.client.SubscribedEvent;
import io.rebound.client.SubscriptionListener;

/**
 * A deliberately broken client for the verifier's self-test ({@code --drop-every N}): passes every event on except every
 * N-th publication, which it swallows as a buggy client or a broker that skipped one would. A verdict that does not
 * name these losses would be a verifier that cannot see them.
 */
final class LossyShim implements SubscriptionListener {

  private final SubscriptionListener delegate;
  private final int every;
  private long seen;

  LossyShim(SubscriptionListener delegate, int every) {
    this.delegate = delegate;
    this.every = every;
  }

  @Override
  public void onPublication(Publication publication) {
    if (++seen % every == 0) return;
    delegate.onPublication(publication);
  }

  @Override
  public void onSubscribing(int code, String reason) {
    delegate.onSubscribing(code, reason);
  }

  @Override
  public void onSubscribed(SubscribedEvent event) {
    delegate.onSubscribed(event);
  }

  @Override
  public void onUnsubscribed(int code, String reason) {
    delegate.onUnsubscribed(code, reason);
  }

  @Override
  public void onDiscontinuity(Discontinuity discontinuity) {
    delegate.onDiscontinuity(discontinuity);
  }

  @Override
  public void onError(Throwable error) {
    delegate.onError(error);
  }
}
