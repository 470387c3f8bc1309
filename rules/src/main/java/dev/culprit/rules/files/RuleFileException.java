package dev.culprit.rules.files;

import java.util.List;
import java.util.stream.Collectors;

/** Rule files that cannot be used; holds every mistake found, one per line of the message. */
public final class RuleFileException extends RuntimeException {

    private final List<RuleProblem> problems;

    public RuleFileException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
