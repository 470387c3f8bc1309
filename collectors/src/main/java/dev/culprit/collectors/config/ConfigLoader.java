package dev.culprit.collectors.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.culprit.events.text.YamlTree;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a collector config file. Every mistake in it is reported at once, each as
 * {@code FILE:LINE: key: what was expected}: the file is first read as a YAML tree that keeps each
 * key's line and checked against the config's records ({@link ConfigKeys}), and only a file without
 * mistakes is bound to them.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigLoader() {}

    /** Thrown for a config that cannot be used; the message is ready for the operator, one mistake a line. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public static CollectorConfig load(Path file) {
        String text = read(file);
        if (text.isBlank()) {
            return new CollectorConfig(null, null, null, null);
        }
        List<String> problems = new ArrayList<>();
        List<YamlTree.Problem> syntax = new ArrayList<>();
        YamlTree.Node root = YamlTree.read(text, "a collector config is one document", syntax);
        syntax.forEach(p -> problems.add(at(file, p.line()) + p.reason()));
        if (root != null && !(root instanceof YamlTree.Mapping)) {
            problems.add(at(file, root.line()) + "expected keys such as 'host: web1', got " + ConfigKeys.describe(root));
        } else if (root instanceof YamlTree.Mapping mapping) {
            ConfigKeys.check(mapping, CollectorConfig.class, "", (line, reason) -> problems.add(at(file, line) + reason));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        CollectorConfig config;
        try {
            config = YAML.readValue(text, CollectorConfig.class);
        } catch (JsonMappingException e) {
            // The tree check above lets through only what the records take; this is the rare value they refuse.
            List<String> keys = e.getPath().stream().map(JsonMappingException.Reference::getFieldName).toList();
            YamlTree.Entry entry = keys.contains(null) ? null : YamlTree.at(root, keys);
            throw new ConfigException(at(file, entry == null ? 0 : entry.keyLine()) + String.join(".", keys)
                    + ": not a value this key takes");
        } catch (JsonProcessingException e) {
            throw new ConfigException(at(file, 0) + "not valid YAML");
        }
        for (CollectorConfig.Problem problem : config.problems()) {
            YamlTree.Entry entry = YamlTree.at(root, Arrays.asList(problem.key().split("\\.")));
            problems.add(at(file, entry == null ? 0 : entry.keyLine()) + problem.key() + ": " + problem.reason());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        return config;
    }

    private static String read(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory; expected a collector config file (YAML, "
                    + "see collectors/collector.example.yaml)");
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": cannot read: permission denied");
        } catch (MalformedInputException e) {
            throw new ConfigException(file + ": not UTF-8 text; expected a collector config file (YAML)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** {@code FILE:LINE: }, or {@code FILE: } when the line is not known (a default value, a whole-file matter). */
    private static String at(Path file, int line) {
        return line > 0 ? file + ":" + line + ": " : file + ": ";
    }
}
