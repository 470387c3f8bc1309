package dev.culprit.rules.files;

import dev.culprit.events.text.YamlTree;
import dev.culprit.rules.RuleSet;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads a rules directory: the {@code *.yaml} (or {@code *.yml}) files directly in it, one per
 * kind at most; a kind without a file keeps its {@code DEFAULT}. Every mistake of every file is
 * collected before anything is refused, so one run of {@code culprit rules check} shows them all.
 */
public final class RuleFiles {

    private RuleFiles() {}

    /**
     * What a rules directory holds: the files that loaded and every mistake found. The rule set is
     * usable only when {@code problems} is empty.
     */
    public record Check(List<RuleFile> files, List<RuleProblem> problems) {

        public Check {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }

        /** The loaded files over the defaults. */
        public RuleSet ruleSet() {
            RuleSet rules = RuleSet.DEFAULT;
            for (RuleFile file : files) {
                rules = file.applyTo(rules);
            }
            return rules;
        }
    }

    /** The rule set of {@code dir}, or every mistake in it as one exception. */
    public static RuleSet load(Path dir) {
        Check check = check(dir);
        if (!check.ok()) {
            throw new RuleFileException(check.problems());
        }
        return check.ruleSet();
    }

    /**
     * One rule file arriving as text (a hot reload sends file contents, not paths).
     *
     * @param fileName names the file in mistakes, e.g. {@code rules/dos.yaml}
     * @throws RuleFileException with every mistake in the text
     */
    public static RuleFile parse(String fileName, String yaml) {
        List<RuleProblem> problems = new ArrayList<>();
        Optional<Parsed> parsed = read(fileName, yaml, problems);
        if (!problems.isEmpty()) {
            throw new RuleFileException(problems);
        }
        return parsed.orElseThrow().file();
    }

    /** Every file of {@code dir} read and checked; nothing thrown for mistakes in them. */
    public static Check check(Path dir) {
        List<RuleProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add(new RuleProblem(dir.toString(), 0,
                    Files.exists(dir) ? "not a directory (rules are read from a directory of *.yaml files)" : "no such directory"));
            return new Check(List.of(), problems);
        }
        List<Path> paths;
        try (Stream<Path> listing = Files.list(dir)) {
            paths = listing.filter(RuleFiles::isRuleFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            problems.add(new RuleProblem(dir.toString(), 0, "cannot list: " + e.getMessage()));
            return new Check(List.of(), problems);
        }
        Map<RuleKind, RuleFile> byKind = new EnumMap<>(RuleKind.class);
        List<RuleFile> files = new ArrayList<>();
        for (Path path : paths) {
            String name = path.toString();
            String text;
            try {
                text = Files.readString(path);
            } catch (MalformedInputException e) {
                problems.add(new RuleProblem(name, 0, "not UTF-8 text"));
                continue;
            } catch (IOException e) {
                problems.add(new RuleProblem(name, 0, "cannot read: " + e.getMessage()));
                continue;
            }
            List<RuleProblem> own = new ArrayList<>();
            Optional<Parsed> parsed = read(name, text, own);
            if (parsed.isPresent()) {
                RuleFile file = parsed.get().file();
                RuleFile first = byKind.putIfAbsent(file.kind(), file);
                if (first != null) {
                    own.add(new RuleProblem(name, parsed.get().kindLine(), "kind " + file.kind() + " is already set by "
                            + first.file() + " (one file per kind)"));
                }
                if (own.isEmpty()) {
                    files.add(file);
                }
            }
            problems.addAll(own);
        }
        return new Check(files, problems);
    }

    private static boolean isRuleFile(Path path) {
        String name = path.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(path);
    }

    private record Parsed(RuleFile file, int kindLine) {}

    /**
     * The file's rule when it names a known kind (even if some of its keys are wrong, so that a
     * second file of the same kind is still noticed); mistakes go to {@code problems}, by line.
     */
    private static Optional<Parsed> read(String fileName, String text, List<RuleProblem> problems) {
        int before = problems.size();
        List<YamlTree.Problem> syntax = new ArrayList<>();
        YamlTree.Node document = YamlTree.read(text, "a rule file holds one rule", syntax);
        syntax.forEach(p -> problems.add(new RuleProblem(fileName, p.line(), p.reason())));
        if (document == null) {
            if (problems.size() == before) {
                problems.add(new RuleProblem(fileName, 0, "empty rule file: write at least 'kind: ...' (one of: "
                        + RuleKind.words() + ")"));
            }
            return Optional.empty();
        }
        if (!(document instanceof YamlTree.Mapping root)) {
            problems.add(new RuleProblem(fileName, document.line(),
                    "expected keys such as 'kind: dos', got " + RuleReader.describe(document)));
            return Optional.empty();
        }
        RuleReader keys = new RuleReader(fileName, root, problems);
        Optional<RuleFile> file = keys.kind().map(kind -> switch (kind) {
            case IOWAIT -> RuleFile.IoWait.read(fileName, keys);
            case DOS -> RuleFile.Dos.read(fileName, keys);
            case MAIL -> RuleFile.Mail.read(fileName, keys);
        });
        file.ifPresent(f -> keys.reportUnknownKeys());
        problems.subList(before, problems.size()).sort(Comparator.comparingInt(RuleProblem::line));
        return file.map(f -> new Parsed(f, keys.kindLine()));
    }
}
