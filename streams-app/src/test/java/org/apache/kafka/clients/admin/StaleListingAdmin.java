package org.apache.kafka.clients.admin;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaFuture;

/**
 * A real admin client whose {@code listTopics} does not show some topics, as a broker whose
 * metadata has not yet caught up with the controller answers. In this package because
 * {@link ListTopicsResult}'s constructor is package-private.
 */
public final class StaleListingAdmin extends ForwardingAdmin {
  private final Set<String> hidden;

  public StaleListingAdmin(Map<String, Object> configs, Set<String> hidden) {
    super(configs);
    this.hidden = hidden;
  }

  @Override
  public ListTopicsResult listTopics(ListTopicsOptions options) {
    KafkaFuture<Map<String, TopicListing>> listings =
        super.listTopics(options)
            .namesToListings()
            .thenApply(
                m ->
                    m.entrySet().stream()
                        .filter(e -> !hidden.contains(e.getKey()))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    return new ListTopicsResult(listings);
  }
}
