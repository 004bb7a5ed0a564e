package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.Courant;
import io.courant.client.CourantException;
import io.courant.topic.TopicConfigs;
import io.courant.topic.TopicController;
import io.courant.topic.TopicDescription;
import io.courant.client.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Topic administration over Kafka's protocol, on Courant's topic controller: CreateTopics,
 * DeleteTopics, CreatePartitions, DescribeConfigs, IncrementalAlterConfigs, DeleteRecords (the
 * partition's log start moves, as with {@code Courant.deleteRecords}).
 */
final class AdminApis {
  /** Kafka's config resource types (DescribeConfigs, IncrementalAlterConfigs). */
  private static final byte TOPIC_RESOURCE = 2;
  private static final byte BROKER_RESOURCE = 4;
  /** Kafka's config sources: set on the topic, or the node's default. */
  private static final byte TOPIC_CONFIG_SOURCE = 1;
  private static final byte DEFAULT_CONFIG_SOURCE = 5;
  /** IncrementalAlterConfigs operations. */
  private static final byte SET = 0;
  private static final byte DELETE = 1;

  private final Courant courant;
  private final ActorSystem<?> system;
  private final Map<String, String> defaults;

  AdminApis(Courant courant, ActorSystem<?> system, Map<String, String> defaults) {
    this.courant = courant;
    this.system = system;
    this.defaults = defaults;
  }

  private CompletionStage<TopicDescription> controller(
      java.util.function.Function<ActorRef<TopicController.TopicReply>, TopicController.Command> command) {
    return AskPattern.ask(courant.topicController(), command::apply, courant.settings().requestTimeout(), system.scheduler())
        .thenApply(reply -> {
          if (reply instanceof TopicController.TopicFound f) {
            return f.topic();
          }
          TopicController.Rejected r = (TopicController.Rejected) reply;
          throw CourantException.of(r.code(), r.message());
        });
  }

  CompletionStage<ApiMessage> createTopics(KafkaRequest r) {
    CreateTopicsRequestData req = r.body();
    short v = r.version();
    List<CompletableFuture<CreateTopicsResponseData.CreatableTopicResult>> results = new ArrayList<>();
    for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
      CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult().setName(t.name());
      if (!t.assignments().isEmpty()) {
        results.add(CompletableFuture.completedFuture(failed(result, v, ErrorCode.INVALID_REQUEST,
            "manual replica assignments are not supported: Cassandra replicates the data")));
        continue;
      }
      if (t.replicationFactor() == 0 || t.replicationFactor() < -1) {
        results.add(CompletableFuture.completedFuture(failed(result, v, ErrorCode.INVALID_REPLICATION_FACTOR,
            "replication factor must be -1 (default) or >= 1, not " + t.replicationFactor())));
        continue;
      }
      Map<String, String> configs = new HashMap<>();
      t.configs().forEach(c -> configs.put(c.name(), c.value()));
      results.add(controller(reply -> new TopicController.CreateTopic(t.name(), t.numPartitions(), configs, req.validateOnly(), reply))
          .handle((topic, failure) -> {
            if (failure != null) {
              return failed(result, v, KafkaErrors.of(failure), KafkaErrors.message(failure));
            }
            if (v >= 7) {
              result.setTopicId(TopicCatalog.kafkaId(topic.topicId()));
            }
            if (v >= 5) {
              result.setNumPartitions(topic.partitions()).setReplicationFactor((short) 1).setConfigs(createdConfigs(topic));
            }
            return result;
          }).toCompletableFuture());
    }
    return Futures.all(results).thenApply(answers -> {
      CreateTopicsResponseData out = new CreateTopicsResponseData();
      answers.forEach(out.topics()::add);
      return out;
    });
  }

  private static CreateTopicsResponseData.CreatableTopicResult failed(CreateTopicsResponseData.CreatableTopicResult result,
      short version, ErrorCode code, String message) {
    result.setErrorCode(KafkaErrors.code(code));
    if (version >= 1) {
      result.setErrorMessage(message);
    }
    if (version >= 5) {
      result.setNumPartitions(-1).setReplicationFactor((short) -1).setConfigs(null);
    }
    return result;
  }

  private List<CreateTopicsResponseData.CreatableTopicConfigs> createdConfigs(TopicDescription topic) {
    List<CreateTopicsResponseData.CreatableTopicConfigs> out = new ArrayList<>();
    TopicConfigs.effective(topic.configs(), defaults).forEach((name, value) -> out.add(new CreateTopicsResponseData.CreatableTopicConfigs()
        .setName(name).setValue(value).setConfigSource(topic.configs().containsKey(name) ? TOPIC_CONFIG_SOURCE : DEFAULT_CONFIG_SOURCE)));
    return out;
  }

  CompletionStage<ApiMessage> deleteTopics(KafkaRequest r) {
    DeleteTopicsRequestData req = r.body();
    List<DeleteTopicsRequestData.DeleteTopicState> topics = new ArrayList<>();
    if (r.version() < 6) {
      req.topicNames().forEach(name -> topics.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name)));
    } else {
      topics.addAll(req.topics());
    }
    List<CompletableFuture<DeleteTopicsResponseData.DeletableTopicResult>> results = new ArrayList<>();
    for (DeleteTopicsRequestData.DeleteTopicState t : topics) {
      results.add(nameOf(t).thenCompose(name -> courant.deleteTopic(name).thenApply(d -> name)).handle((name, failure) -> {
        var result = new DeleteTopicsResponseData.DeletableTopicResult().setName(t.name());
        if (r.version() >= 6) {
          result.setTopicId(t.topicId());
        }
        if (failure != null) {
          result.setErrorCode(KafkaErrors.codeOf(failure));
          if (r.version() >= 5) {
            result.setErrorMessage(KafkaErrors.message(failure));
          }
        } else if (r.version() >= 6) {
          result.setName(name);
        }
        return result;
      }).toCompletableFuture());
    }
    return Futures.all(results).thenApply(answers -> {
      DeleteTopicsResponseData out = new DeleteTopicsResponseData();
      answers.forEach(out.responses()::add);
      return out;
    });
  }

  /** The name of a topic given by name or (DeleteTopics v6) by id. */
  private CompletionStage<String> nameOf(DeleteTopicsRequestData.DeleteTopicState t) {
    if (t.name() != null) {
      return CompletableFuture.completedFuture(t.name());
    }
    return courant.listTopics().thenApply(all -> all.stream().filter(d -> TopicCatalog.kafkaId(d.topicId()).equals(t.topicId()))
        .map(TopicDescription::name).findFirst()
        .orElseThrow(() -> CourantException.of(ErrorCode.UNKNOWN_TOPIC_ID, "no topic has id " + t.topicId())));
  }

  CompletionStage<ApiMessage> createPartitions(KafkaRequest r) {
    CreatePartitionsRequestData req = r.body();
    List<CompletableFuture<CreatePartitionsResponseData.CreatePartitionsTopicResult>> results = new ArrayList<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
      CompletionStage<TopicDescription> grown = req.validateOnly()
          ? courant.describeTopic(t.name()).thenApply(d -> {
            if (t.count() <= d.partitions()) {
              throw CourantException.of(ErrorCode.INVALID_PARTITIONS, "topic '" + t.name() + "' has " + d.partitions()
                  + " partitions: the new count must be larger, not " + t.count());
            }
            return d;
          })
          : courant.createPartitions(t.name(), t.count());
      results.add(grown.handle((d, failure) -> {
        var result = new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(t.name());
        if (failure != null) {
          result.setErrorCode(KafkaErrors.codeOf(failure)).setErrorMessage(KafkaErrors.message(failure));
        }
        return result;
      }).toCompletableFuture());
    }
    return Futures.all(results).thenApply(answers -> new CreatePartitionsResponseData().setResults(answers));
  }

  CompletionStage<ApiMessage> describeConfigs(KafkaRequest r) {
    DescribeConfigsRequestData req = r.body();
    List<CompletableFuture<DescribeConfigsResponseData.DescribeConfigsResult>> results = new ArrayList<>();
    for (DescribeConfigsRequestData.DescribeConfigsResource res : req.resources()) {
      var result = new DescribeConfigsResponseData.DescribeConfigsResult().setResourceType(res.resourceType())
          .setResourceName(res.resourceName());
      if (res.resourceType() == BROKER_RESOURCE) {
        results.add(CompletableFuture.completedFuture(result)); // a node has no broker configs to show
      } else if (res.resourceType() != TOPIC_RESOURCE) {
        results.add(CompletableFuture.completedFuture(result.setErrorCode(KafkaErrors.code(ErrorCode.INVALID_REQUEST))
            .setErrorMessage("only topic configs (resource type 2) are described, not resource type " + res.resourceType())));
      } else {
        results.add(courant.describeTopic(res.resourceName()).handle((topic, failure) -> {
          if (failure != null) {
            return result.setErrorCode(KafkaErrors.codeOf(failure)).setErrorMessage(KafkaErrors.message(failure));
          }
          TopicConfigs.effective(topic.configs(), defaults).forEach((name, value) -> {
            if (res.configurationKeys() == null || res.configurationKeys().contains(name)) {
              var config = new DescribeConfigsResponseData.DescribeConfigsResourceResult().setName(name).setValue(value)
                  .setReadOnly(false).setIsSensitive(false);
              config.setConfigSource(topic.configs().containsKey(name) ? TOPIC_CONFIG_SOURCE : DEFAULT_CONFIG_SOURCE);
              result.configs().add(config);
            }
          });
          return result;
        }).toCompletableFuture());
      }
    }
    return Futures.all(results).thenApply(answers -> new DescribeConfigsResponseData().setResults(answers));
  }

  CompletionStage<ApiMessage> incrementalAlterConfigs(KafkaRequest r) {
    IncrementalAlterConfigsRequestData req = r.body();
    List<CompletableFuture<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse>> results = new ArrayList<>();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource res : req.resources()) {
      var result = new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse().setResourceType(res.resourceType())
          .setResourceName(res.resourceName());
      results.add(alter(res, req.validateOnly()).handle((d, failure) -> failure == null ? result
          : result.setErrorCode(KafkaErrors.codeOf(failure)).setErrorMessage(KafkaErrors.message(failure))).toCompletableFuture());
    }
    return Futures.all(results).thenApply(answers -> new IncrementalAlterConfigsResponseData().setResponses(answers));
  }

  private CompletionStage<?> alter(IncrementalAlterConfigsRequestData.AlterConfigsResource res, boolean validateOnly) {
    if (res.resourceType() != TOPIC_RESOURCE) {
      return CompletableFuture.failedFuture(CourantException.of(ErrorCode.INVALID_REQUEST,
          "only topic configs (resource type 2) can be altered, not resource type " + res.resourceType()));
    }
    Map<String, String> set = new HashMap<>();
    Set<String> delete = new HashSet<>();
    for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
      if (c.configOperation() == SET) {
        set.put(c.name(), c.value());
      } else if (c.configOperation() == DELETE) {
        delete.add(c.name());
      } else {
        return CompletableFuture.failedFuture(CourantException.of(ErrorCode.INVALID_CONFIG,
            "only SET and DELETE are supported, not operation " + c.configOperation() + " on " + c.name()));
      }
    }
    if (!validateOnly) {
      return courant.alterConfigs(res.resourceName(), set, delete);
    }
    String problem = TopicConfigs.problem(set);
    return problem != null ? CompletableFuture.failedFuture(CourantException.of(ErrorCode.INVALID_CONFIG, problem))
        : courant.describeTopic(res.resourceName());
  }

  CompletionStage<ApiMessage> deleteRecords(KafkaRequest r) {
    DeleteRecordsRequestData req = r.body();
    List<CompletableFuture<DeleteRecordsResponseData.DeleteRecordsTopicResult>> topics = new ArrayList<>();
    for (DeleteRecordsRequestData.DeleteRecordsTopic t : req.topics()) {
      List<CompletableFuture<DeleteRecordsResponseData.DeleteRecordsPartitionResult>> partitions = new ArrayList<>();
      for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
        partitions.add(courant.deleteRecords(new TopicPartition(t.name(), p.partitionIndex()), p.offset()).handle((low, failure) -> {
          var result = new DeleteRecordsResponseData.DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex());
          return failure != null ? result.setLowWatermark(-1).setErrorCode(KafkaErrors.codeOf(failure)) : result.setLowWatermark(low);
        }).toCompletableFuture());
      }
      topics.add(Futures.all(partitions).thenApply(results -> {
        var topic = new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name());
        results.forEach(topic.partitions()::add);
        return topic;
      }).toCompletableFuture());
    }
    return Futures.all(topics).thenApply(results -> {
      DeleteRecordsResponseData out = new DeleteRecordsResponseData();
      results.forEach(out.topics()::add);
      return out;
    });
  }

}
