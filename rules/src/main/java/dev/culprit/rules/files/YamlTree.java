package dev.culprit.rules.files;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A rule file's YAML as a small tree that keeps the line of every key and value. Binding straight
 * to a record would stop at the first mistake, and Jackson reports an unknown property at the end
 * of its object rather than on its own line; walking the tokens keeps each key's real line and
 * lets one pass report every mistake in the file.
 */
final class YamlTree {

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTree() {}

    sealed interface Node {
        int line();
    }

    /** A number, text, boolean or null (an empty value); {@code value} is what YAML made of it. */
    record Scalar(Object value, int line) implements Node {}

    /** Keys in file order. */
    record Mapping(Map<String, Entry> entries, int line) implements Node {}

    /** No rule key takes a list, so only its place is kept. */
    record Sequence(int line) implements Node {}

    record Entry(String key, int keyLine, Node value) {}

    /**
     * The file's single document, or null when it has none or is not YAML; syntax mistakes and
     * duplicate keys go to {@code problems}.
     */
    static Node read(String file, String text, List<RuleProblem> problems) {
        try (JsonParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            Node document = node(file, parser, problems);
            if (parser.nextToken() != null) {
                problems.add(new RuleProblem(file, line(parser), "a second YAML document: a rule file holds one rule"));
            }
            return document;
        } catch (JsonProcessingException e) {
            problems.add(syntaxProblem(file, e));
            return null;
        } catch (IOException e) {
            problems.add(new RuleProblem(file, 0, "cannot read: " + e.getMessage()));
            return null;
        }
    }

    private static Node node(String file, JsonParser parser, List<RuleProblem> problems) throws IOException {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    parser.nextToken();
                    Node value = node(file, parser, problems);
                    Entry first = entries.putIfAbsent(key, new Entry(key, keyLine, value));
                    if (first != null) {
                        problems.add(new RuleProblem(file, keyLine,
                                "duplicate key '" + key + "' (first on line " + first.keyLine() + ")"));
                    }
                }
                return new Mapping(Collections.unmodifiableMap(entries), line);
            }
            case START_ARRAY -> {
                parser.skipChildren();
                return new Sequence(line);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Scalar(parser.getNumberValue(), line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Scalar(parser.getBooleanValue(), line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, line);
            }
            default -> {
                return new Scalar(parser.getText(), line);
            }
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    /**
     * SnakeYAML says what went wrong (the problem) and, often, inside what (the context, e.g. a
     * quoted text left open); the context's line is where the broken construct starts, which is
     * where the operator needs to look, while the problem's is often the end of the file.
     */
    private static RuleProblem syntaxProblem(String file, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            Mark mark = m.getContextMark() != null ? m.getContextMark() : m.getProblemMark();
            String reason = m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext() + ")");
            return new RuleProblem(file, mark == null ? 0 : mark.getLine() + 1, "not valid YAML: " + reason);
        }
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return new RuleProblem(file, line, "not valid YAML: " + firstLine(e.getOriginalMessage()));
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
