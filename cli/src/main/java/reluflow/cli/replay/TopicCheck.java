package reluflow.cli.replay;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import reluflow.cli.UserError;

/** Fails at once, with a message, when the broker cannot be reached or the topic is missing (topics are never auto-created). */
final class TopicCheck {
    private TopicCheck() {
    }

    static void requireTopic(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "reluflow-topic-check");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserError("Topic " + topic + " does not exist at " + bootstrap);
            }
            throw new UserError("Cannot look up topic " + topic + " at " + bootstrap + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new UserError("Cannot reach Kafka at " + bootstrap + " within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("Interrupted while looking up topic " + topic);
        }
    }
}
