package dev.nines.platform;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.NinesConfig.TopicLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Before the app starts on a secured cluster: may its principal do what the app will do? Kafka
 * Streams would otherwise find out thread by thread, deep in a rebalance, and a missing ACL
 * would read as a stack trace. This asks the broker what the principal may do on each contract
 * topic (Admin describeTopics with authorized operations) and whether it may create its
 * internal topics (a validate-only create, which changes nothing), and stops with one line
 * listing everything missing. What cannot be asked without side effects (READ on the group,
 * WRITE on the transactional id) is caught when Streams meets it: see
 * {@link #isAccessDenied} and {@code NinesApp}.
 *
 * <p>On a cluster without an authorizer every operation is allowed, and the check passes.
 */
public final class AccessCheck {
  private AccessCheck() {}

  /**
   * Throws {@link IllegalStateException} with one line naming every missing permission.
   *
   * @param readsOutputs whether this process also reads the output topics ({@code run} prints
   *     them unless {@code --quiet})
   */
  public static void require(
      Admin admin,
      String applicationId,
      TopicLayout layout,
      short replicationFactor,
      boolean readsOutputs) {
    List<String> missing = new ArrayList<>();
    Map<String, Set<AclOperation>> needed = new LinkedHashMap<>();
    for (Topic<?> t : Topics.ALL) {
      boolean input = Topics.INPUTS.contains(t);
      needed.put(
          layout.name(t),
          input || readsOutputs
              ? (input
                  ? Set.of(AclOperation.READ, AclOperation.DESCRIBE_CONFIGS)
                  : Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS))
              : Set.of(AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS));
    }
    try {
      Map<String, KafkaFuture<TopicDescription>> described =
          admin
              .describeTopics(
                  needed.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
              .topicNameValues();
      for (var e : needed.entrySet()) {
        try {
          Set<AclOperation> allowed =
              described.get(e.getKey()).get(30, TimeUnit.SECONDS).authorizedOperations();
          if (allowed == null) {
            continue; // the broker did not say: nothing to judge
          }
          for (AclOperation op : sorted(e.getValue())) {
            if (!allowed.contains(op) && !allowed.contains(AclOperation.ALL)) {
              missing.add(op + " on topic '" + e.getKey() + "'");
            }
          }
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof AuthorizationException) {
            missing.add(
                "DESCRIBE (and " + sorted(e.getValue()) + ") on topic '" + e.getKey() + "'");
          } else if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw fail(applicationId, ex.getCause());
          }
          // a topic that does not exist yet is created next, or its creation fails in one line
        }
      }
      // Streams creates <application.id>-...-repartition and -changelog topics
      String probe = applicationId + "-nines-access-check";
      try {
        admin
            .createTopics(
                List.of(new NewTopic(probe, 1, replicationFactor)),
                new CreateTopicsOptions().validateOnly(true))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException ex) {
        if (ex.getCause() instanceof AuthorizationException) {
          missing.add("CREATE on topics prefixed '" + applicationId + "-' (internal topics)");
        } else if (!(ex.getCause() instanceof TopicExistsException)) {
          // e.g. a replication factor above the broker count: Streams reports its own problem
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking access", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the cluster did not answer the access check within 30 s");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(message(applicationId, missing));
    }
  }

  static String message(String applicationId, Collection<String> missing) {
    return "Kafka denies application '"
        + applicationId
        + "' "
        + String.join(", ", missing)
        + ": grant its principal the ACLs listed in docs/security.md (ACLs the app needs)";
  }

  private static List<AclOperation> sorted(Set<AclOperation> ops) {
    return ops.stream().sorted().toList();
  }

  private static IllegalStateException fail(String applicationId, Throwable cause) {
    return new IllegalStateException(
        "cannot check the access of application '" + applicationId + "': " + cause, cause);
  }

  /**
   * The authentication or authorization failure in {@code t}'s cause chain, if any: a failure
   * that retrying cannot fix, only an operator (credentials, ACLs).
   */
  public static Optional<Throwable> isAccessDenied(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AuthorizationException || c instanceof AuthenticationException) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
