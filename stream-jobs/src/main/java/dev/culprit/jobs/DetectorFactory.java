package dev.culprit.jobs;

import dev.culprit.rules.Detector;
import dev.culprit.rules.RuleSet;
import java.io.Serializable;

/** Builds a detection from the rules in force, so a rule pushed at run time takes effect at once. */
@FunctionalInterface
public interface DetectorFactory<S> extends Serializable {

    Detector<S> forRules(RuleSet rules);
}
