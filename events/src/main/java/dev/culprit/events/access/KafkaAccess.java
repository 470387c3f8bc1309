package dev.culprit.events.access;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a Kafka client reaches Culprit's topics: the bootstrap servers and the client settings
 * that authenticate it (SASL and TLS settings, as Kafka names them). Every producer, consumer and
 * admin client of Culprit's is built from one, so none connects without the secret.
 * {@link #toString()} never shows the settings' values.
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> clientSettings) implements Serializable {

    public KafkaAccess {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are missing");
        }
        clientSettings = Map.copyOf(clientSettings);
    }

    /** SASL/PLAIN over the given servers with one user and password, as Culprit's embedded broker has it. */
    public static KafkaAccess saslPlain(String bootstrapServers, String user, String password) {
        return new KafkaAccess(bootstrapServers, saslPlainSettings(user, password));
    }

    /**
     * The settings of {@link #saslPlain}, as the lines of a client properties file (what Kafka's tools
     * take as {@code --command-config} and Culprit as {@code --kafka-properties}).
     */
    public static String saslPlainPropertiesText(String user, String password) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(saslPlainSettings(user, password)).forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return text.toString();
    }

    private static Map<String, String> saslPlainSettings(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", plainLogin(user, password));
    }

    /** A Kafka cluster that needs no authentication (one the operator secures otherwise). */
    public static KafkaAccess unauthenticated(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, Map.of());
    }

    /**
     * Kafka client settings from a properties file (as {@code kafka-console-producer --producer.config}
     * takes); the file holds secrets, so it must be its owner's alone.
     */
    public static KafkaAccess fromPropertiesFile(String bootstrapServers, Path file) {
        Properties p = OwnerOnlyFile.readProperties(file);
        Map<String, String> settings = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(name -> settings.put(name, p.getProperty(name)));
        settings.remove("bootstrap.servers");
        return new KafkaAccess(bootstrapServers, settings);
    }

    /** The JAAS line of Kafka's PLAIN login module for one user. */
    public static String plainLogin(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + jaasQuoted(user)
                + "\" password=\"" + jaasQuoted(password) + "\";";
    }

    /** A Kafka client configuration: these settings plus {@code bootstrap.servers}, ready for more. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>(clientSettings);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** {@link #clientConfig()} plus the client's own settings (serializers, timeouts, group), which win. */
    public Map<String, Object> clientConfig(Map<String, ?> clientOwn) {
        Map<String, Object> config = clientConfig();
        config.putAll(clientOwn);
        return config;
    }

    private static String jaasQuoted(String value) {
        if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("a Kafka user or password must not contain quotes or backslashes");
        }
        return value;
    }

    @Override
    public String toString() {
        return "Kafka " + bootstrapServers + (clientSettings.isEmpty() ? "" : " (authenticated)");
    }
}
