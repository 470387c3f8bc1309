package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.rules.RuleSet;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that runs the detection job lets the operator choose (a picocli mixin). */
final class DetectionOptions {

    static final String WEBHOOK_URL_VARIABLE = "CULPRIT_WEBHOOK_URL";
    static final String WEBHOOK_TOKEN_VARIABLE = "CULPRIT_WEBHOOK_TOKEN";

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule files (see rules/*.yaml; default: $CULPRIT_RULES, else /etc/culprit/rules/, "
                    + "else the shipped rules built in).")
    Path rulesDir;

    @Option(names = "--keep-events", converter = DurationConverter.class, defaultValue = "7d", paramLabel = "DURATION",
            description = "How long raw host events stay in H2 for `culprit capture` (default: ${DEFAULT-VALUE}).")
    Duration keepEvents;

    @Option(names = "--webhook", paramLabel = "URL", converter = WebhookUrlConverter.class,
            defaultValue = "${env:" + WEBHOOK_URL_VARIABLE + "}",
            description = "Also POST every alert to this http(s) URL (retried, never blocking detection; default: $"
                    + WEBHOOK_URL_VARIABLE + ", which keeps a URL that carries a secret off the command line, "
                    + "where every local user can read it).")
    URI webhook;

    @Option(names = "--webhook-token-file", paramLabel = "FILE",
            description = "Send the token on this file's first line as 'Authorization: Bearer ...' with every webhook post; "
                    + "the file must be its owner's alone (chmod 600). Default: $" + WEBHOOK_TOKEN_VARIABLE + " holds the token.")
    Path webhookTokenFile;

    @Option(names = "--webhook-format", paramLabel = "FORMAT", defaultValue = "json",
            description = "Body of webhook posts: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    WebhookAlerts.Format webhookFormat;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * The rules to start with, from --rules or the search order, saying which in one line; a
     * mistake in a rule file is a RuleFileException naming file and line.
     */
    RuleSet rules() {
        return SearchOrder.of(spec).loadRules(rulesDir, spec.commandLine().getErr());
    }

    /** A usage mistake in these options, or null. */
    String mistake() {
        if (keepEvents.isZero()) {
            return "--keep-events must be more than zero";
        }
        return webhookTokenFile != null && webhook == null ? "--webhook-token-file needs --webhook (or $" + WEBHOOK_URL_VARIABLE + ")" : null;
    }

    /**
     * The webhook outlet, or null without --webhook. A token file others can read is refused
     * (OwnerOnlyFile.UnsafeSecretFile, naming the chmod that fixes it).
     */
    WebhookAlerts webhookOutlet() {
        if (webhook == null) {
            return null;
        }
        String token = webhookTokenFile != null
                ? OwnerOnlyFile.read(webhookTokenFile).lines().findFirst().orElse("").strip()
                : System.getenv(WEBHOOK_TOKEN_VARIABLE);
        return new WebhookAlerts(webhook, webhookFormat, token == null || token.isBlank() ? null : token);
    }

    static List<Consumer<Alert>> outlets(WebhookAlerts webhookOutlet) {
        return webhookOutlet == null ? List.of() : List.of(webhookOutlet);
    }
}
