package dev.nines.routing.stream;

import dev.nines.schema.RoutingPolicyProfile;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/** Keeps each profile version at its event time; a tombstone retires the profile from then on. */
final class ProfileWriter implements Processor<String, RoutingPolicyProfile, Void, Void> {
  private final String storeName;
  private VersionedKeyValueStore<String, RoutingPolicyProfile> store;

  ProfileWriter(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, RoutingPolicyProfile> record) {
    if (record.value() == null) {
      store.delete(record.key(), record.timestamp());
    } else {
      store.put(record.key(), record.value(), record.timestamp());
    }
  }
}
