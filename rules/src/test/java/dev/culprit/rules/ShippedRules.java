package dev.culprit.rules;

import dev.culprit.rules.files.RuleFiles;
import java.nio.file.Path;

/**
 * The rule files Culprit ships (the rules module's own directory, where the tests run), loaded as
 * an operator's would be: a detector test that claims shipped behaviour judges by these.
 */
public final class ShippedRules {

    public static final RuleSet RULES = RuleFiles.load(Path.of("."));

    private ShippedRules() {}
}
