package dev.nines.api;

import dev.nines.ingest.stream.DeadLetters;
import dev.nines.platform.Faults;
import dev.nines.views.OutputCounters;
import dev.nines.webhooks.WebhookDispatcher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.streams.KafkaStreams;

/**
 * /metrics: Micrometer's Prometheus registry with its Kafka Streams binder (every Streams, client
 * and store metric: throughput, lag, punctuation, store latencies, ...), the JVM, and our own
 * counters: {@code nines_routing_decisions_total{route}}, {@code nines_routing_ejections_total
 * {route}}, {@code nines_incidents_total{status}} and {@code nines_dead_letters_total{topic,
 * reason}}. Ours are read from their sources at scrape time, so a counter that appears later
 * (a new route, a new dead-letter reason) is registered on the next scrape.
 */
final class ApiMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> registered = new HashSet<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private KafkaStreamsMetrics streamsMetrics;
  private DeadLetters deadLetters;
  private OutputCounters counters;

  ApiMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  private Faults faults;

  synchronized void attach(KafkaStreams streams, DeadLetters deadLetters, OutputCounters counters) {
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    this.deadLetters = deadLetters;
    this.counters = counters;
  }

  /** Stream-thread failures by cause (schema-registry, internal), as nines.stream.thread.failures. */
  synchronized void attach(Faults faults) {
    this.faults = faults;
  }

  /** Webhook deliveries, receivers given up on, and the dispatcher's own errors. */
  synchronized void attach(WebhookDispatcher d) {
    FunctionCounter.builder("nines.webhooks.delivered", d, x -> x.delivered())
        .description("webhook posts a receiver accepted (2xx)")
        .register(registry);
    FunctionCounter.builder("nines.webhooks.gave.up", d, x -> x.failed())
        .description("webhook posts given up after every attempt")
        .register(registry);
    FunctionCounter.builder("nines.webhooks.errors", d, x -> x.errors())
        .description("failures of the dispatcher itself (its consumer was restarted)")
        .register(registry);
    // per endpoint, named as configured (never by URL: it may hold a token)
    for (WebhookDispatcher.EndpointStatus e : d.endpoints()) {
      String name = e.name();
      FunctionCounter.builder("nines.webhooks.endpoint.delivered", d, x -> of(x, name).delivered())
          .description("notifications the endpoint accepted (2xx)")
          .tag("endpoint", name)
          .tag("format", e.format())
          .register(registry);
      FunctionCounter.builder("nines.webhooks.endpoint.gave.up", d, x -> of(x, name).gaveUp())
          .description("notifications given up after every attempt")
          .tag("endpoint", name)
          .tag("format", e.format())
          .register(registry);
      Gauge.builder("nines.webhooks.endpoint.failing", d, x -> of(x, name).failing() ? 1 : 0)
          .description("1 while the endpoint's last notification was given up")
          .tag("endpoint", name)
          .tag("format", e.format())
          .register(registry);
    }
  }

  private static WebhookDispatcher.EndpointStatus of(WebhookDispatcher d, String name) {
    return d.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
  }

  synchronized String scrape() {
    if (faults != null) {
      Faults f = faults;
      f.counts()
          .keySet()
          .forEach(
              cause -> {
                if (registered.add("f\0" + cause)) {
                  FunctionCounter.builder(
                          "nines.stream.thread.failures",
                          f,
                          x -> x.counts().getOrDefault(cause, 0L).doubleValue())
                      .description(
                          "stream threads failed and replaced, by cause; invalid input is "
                              + "dead-lettered instead and is not counted here")
                      .tag("cause", cause)
                      .register(registry);
                }
              });
    }
    if (counters != null) {
      counters
          .snapshot()
          .keySet()
          .forEach(
              k -> {
                if (registered.add("c\0" + k)) {
                  FunctionCounter.builder(
                          "nines." + k.name().replace('_', '.'),
                          counters.adder(k),
                          a -> a.doubleValue())
                      .tag(k.tag(), k.value())
                      .register(registry);
                }
              });
    }
    if (deadLetters != null) {
      deadLetters
          .metrics()
          .metrics()
          .forEach(
              (name, metric) -> {
                if (name.group().equals(DeadLetters.GROUP) && registered.add("d\0" + name)) {
                  KafkaMetric m = (KafkaMetric) metric;
                  FunctionCounter.builder(
                          "nines.dead.letters", m, x -> ((Number) x.metricValue()).doubleValue())
                      .description("dead letters by source topic and reason")
                      .tag("topic", name.tags().get("topic"))
                      .tag("reason", name.tags().get("reason"))
                      .register(registry);
                }
              });
    }
    return registry.scrape();
  }

  @Override
  public synchronized void close() {
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    gc.close();
    registry.close();
  }
}
