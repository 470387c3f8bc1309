package dev.culprit.collectors.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.culprit.events.text.YamlTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a collector config file; every mistake names the file, the line and the key. */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigLoader() {}

    /** Thrown for a config that cannot be used; the message is ready for the operator. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public static CollectorConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        CollectorConfig config;
        try {
            config = text.isBlank() ? new CollectorConfig(null, null, null, null) : YAML.readValue(text, CollectorConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ":" + lineOfKey(text, e) + ": unknown key '" + path(e) + "' (known here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
        } catch (JsonMappingException e) {
            throw new ConfigException(where(file, e.getLocation()) + path(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(where(file, e.getLocation()) + "not valid YAML: " + e.getOriginalMessage());
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(p -> file + ": " + p).collect(Collectors.joining("\n")));
        }
        return config;
    }

    private static String where(Path file, JsonLocation location) {
        return location == null ? file + ": " : file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
    }

    /**
     * The line that holds the unknown key. Jackson reports the end of the enclosing record (it
     * buffers a record's properties), so the key's own line comes from the file's YAML tree.
     */
    private static int lineOfKey(String text, JsonMappingException e) {
        List<String> keys = e.getPath().stream().map(JsonMappingException.Reference::getFieldName).toList();
        YamlTree.Entry entry = keys.contains(null) ? null
                : YamlTree.at(YamlTree.read(text, "a collector config is one document", new ArrayList<>()), keys);
        if (entry != null) {
            return entry.keyLine();
        }
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
