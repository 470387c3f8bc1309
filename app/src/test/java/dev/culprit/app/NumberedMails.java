package dev.culprit.app;

import dev.culprit.events.EventCodec;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * PHP mail.log lines told apart by a numbered recipient, and what of them reached Kafka: for tests
 * that kill something mid-stream and count every line once.
 */
final class NumberedMails {

    /** A real mail.log line (captured/phpmail/file-mail-log.txt) with recipient {@code user<N>}. */
    private static final String LINE = "[29-Nov-2026 20:40:37 UTC] mail() on [/var/www/html/wp-content/uploads/2024/05/x.php:25]: "
            + "To: user%d@example.com -- Headers: From: Support <support@example.org>  X-Mailer: PHP/8.2.36 "
            + "-- Subject: You have (1) new voicemail%n";

    private NumberedMails() {}

    static byte[] line(int n) {
        return String.format(LINE, n).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Each mail's number as Kafka holds it (committed only), sorted: a lost line is a gap, a
     * repeated one a twin. Reads until {@code expected} have come and then 2 s more, or for 60 s.
     */
    static List<Integer> shipped(KafkaAccess kafka, String group, int expected) {
        List<Integer> numbers = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.PHPMAIL));
            long deadline = System.currentTimeMillis() + 60_000;
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline
                    && (numbers.size() < expected || System.currentTimeMillis() - quietSince < 2_000)) {
                var records = consumer.poll(Duration.ofMillis(300));
                for (var r : records) {
                    String to = EventCodec.decode(r.value(), PhpMail.class).recipients().get(0);
                    numbers.add(Integer.parseInt(to.substring("user".length(), to.indexOf('@'))));
                }
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        return numbers.stream().sorted().toList();
    }
}
