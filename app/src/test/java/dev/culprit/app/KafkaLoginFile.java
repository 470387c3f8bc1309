package dev.culprit.app;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.OwnerOnlyFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/** A {@code --kafka-properties} file (0600) with a broker's login, for a Culprit started as its own process. */
final class KafkaLoginFile {

    private KafkaLoginFile() {}

    static Path write(Path file, KafkaAccess access) {
        Properties properties = new Properties();
        properties.putAll(access.clientSettings());
        StringWriter text = new StringWriter();
        try {
            properties.store(text, "login for " + access.bootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OwnerOnlyFile.create(file, text.toString());
        return file;
    }
}
