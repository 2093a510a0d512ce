package dev.nines.simulate;

import dev.nines.TopicNames;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** A sink that keeps every record in a list, in emission order. */
final class RecordingSink implements SimSink {

  record Sent(String topic, String key, SpecificRecord value, long timestampMs) {}

  final List<Sent> sent = new ArrayList<>();
  int flushes;

  @Override
  public void send(String topic, String key, SpecificRecord value, long timestampMs) {
    sent.add(new Sent(topic, key, value, timestampMs));
  }

  @Override
  public void flush() {
    flushes++;
  }

  List<Sent> on(String topic) {
    return sent.stream().filter(s -> s.topic().equals(topic)).toList();
  }

  List<Sent> receiptRecords() {
    return on(TopicNames.DELIVERY_RECEIPTS);
  }

  List<DeliveryReceipt> receipts() {
    return receiptRecords().stream().map(s -> (DeliveryReceipt) s.value()).toList();
  }

  List<ProbeResult> probes() {
    return on(TopicNames.PROBE_RESULTS).stream().map(s -> (ProbeResult) s.value()).toList();
  }
}
