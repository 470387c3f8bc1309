package dev.culprit.events.text;

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
 * A YAML file (a rule file, a collector config) as a small tree that keeps the line of every key
 * and value. Binding straight to a record would stop at the first mistake, and Jackson reports an
 * unknown property at the end of its object rather than on its own line; walking the tokens keeps
 * each key's real line and lets one pass report every mistake in the file.
 */
public final class YamlTree {

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTree() {}

    public sealed interface Node {
        int line();
    }

    /** A number, text, boolean or null (an empty value); {@code value} is what YAML made of it. */
    public record Scalar(Object value, int line) implements Node {}

    /** Keys in file order. */
    public record Mapping(Map<String, Entry> entries, int line) implements Node {}

    /** No rule key takes a list, so only its place is kept. */
    public record Sequence(int line) implements Node {}

    public record Entry(String key, int keyLine, Node value) {}

    /** A mistake in the YAML itself, by line (0 when unknown). */
    public record Problem(int line, String reason) {}

    /**
     * The file's single document, or null when it has none or is not YAML; syntax mistakes and
     * duplicate keys go to {@code problems}.
     *
     * @param oneOnly why a second document is a mistake, e.g. "a rule file holds one rule"
     */
    public static Node read(String text, String oneOnly, List<Problem> problems) {
        try (JsonParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            Node document = node(parser, problems);
            if (parser.nextToken() != null) {
                problems.add(new Problem(line(parser), "a second YAML document: " + oneOnly));
            }
            return document;
        } catch (JsonProcessingException e) {
            problems.add(syntaxProblem(e));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(0, "cannot read: " + e.getMessage()));
            return null;
        }
    }

    /** The entry at {@code path} (keys from the top), or null when the tree has none there. */
    public static Entry at(Node root, List<String> path) {
        Node node = root;
        Entry entry = null;
        for (String key : path) {
            if (!(node instanceof Mapping m) || (entry = m.entries().get(key)) == null) {
                return null;
            }
            node = entry.value();
        }
        return entry;
    }

    private static Node node(JsonParser parser, List<Problem> problems) throws IOException {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    parser.nextToken();
                    Node value = node(parser, problems);
                    Entry first = entries.putIfAbsent(key, new Entry(key, keyLine, value));
                    if (first != null) {
                        problems.add(new Problem(keyLine,
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
    private static Problem syntaxProblem(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            Mark mark = m.getContextMark() != null ? m.getContextMark() : m.getProblemMark();
            String reason = plain(m.getProblem()) + (m.getContext() == null ? "" : " (" + m.getContext() + ")");
            return new Problem(mark == null ? 0 : mark.getLine() + 1, "not valid YAML: " + reason);
        }
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return new Problem(line, "not valid YAML: " + firstLine(e.getOriginalMessage()));
    }

    /** SnakeYAML names the tokens it expected or got in its own terms, {@code <stream end>}; say them plainly. */
    private static String plain(String problem) {
        return problem.replace("'<stream end>'", "<stream end>").replace("<stream end>", "the end of the file")
                .replace("<block end>", "the end of an indented block")
                .replace("<document start>", "a new document (---)");
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
