package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code culprit help}, the command lists, and {@code culprit completion} as a bash user meets them. */
class HelpAndCompletionTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int culprit(String... args) {
        return CulpritCli.execute(out, err, args);
    }

    /** Every command that lists subcommands: culprit, and those of its commands that have their own. */
    static Stream<String> commandsWithSubcommands() {
        List<String> paths = new ArrayList<>();
        collect(Culprit.commandLine(), "", paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, String path, List<String> paths) {
        if (command.getSubcommands().isEmpty() || command.getCommandSpec().helpCommand()) {
            return;
        }
        paths.add(path);
        command.getSubcommands().forEach((name, sub) -> collect(sub, (path + " " + name).strip(), paths));
    }

    @ParameterizedTest
    @MethodSource("commandsWithSubcommands")
    void noCommandListCutsASummaryMidSentence(String command) {
        List<String> args = new ArrayList<>(List.of("help"));
        if (!command.isEmpty()) {
            args.addAll(List.of(command.split(" ")));
        }

        assertThat(culprit(args.toArray(String[]::new))).isZero();

        List<String> summaries = summaries(out.toString());
        assertThat(summaries).isNotEmpty();
        assertThat(summaries).allSatisfy(summary -> assertThat(summary).as("summary in 'culprit help %s'", command).endsWith("."));
    }

    /** The entries under "Commands:", each summary joined across its wrapped lines. */
    private static List<String> summaries(String help) {
        List<String> summaries = new ArrayList<>();
        boolean inList = false;
        for (String line : help.lines().toList()) {
            if (line.equals("Commands:")) {
                inList = true;
            } else if (inList && line.isBlank()) {
                break;
            } else if (inList && line.matches(" {2}\\S.*")) {
                summaries.add(line.strip().replaceFirst("^\\S+\\s+", ""));
            } else if (inList) {
                summaries.set(summaries.size() - 1, summaries.get(summaries.size() - 1) + " " + line.strip());
            }
        }
        return summaries;
    }

    @Test
    void helpForANestedCommandShowsThatCommandsWholeHelp() {
        int exit = culprit("help", "rules", "check");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Usage: culprit rules check [-hV] [DIR]\n"
                + "Reads every *.yaml file in DIR as the running pipeline would.\n\n"
                + "Prints each file that loads, each kind left to its built-in defaults, and every\n"
                + "mistake as FILE:LINE: reason. Exit code 0 when all files are good, 2 when any\n"
                + "has a mistake.\n");
        assertThat(out.toString()).contains("[DIR]", "$CULPRIT_RULES");
    }

    @Test
    void helpForACommandThatDoesNotExistSaysWhichOnesDo() {
        int exit = culprit("help", "rules", "lint");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit help: no command 'lint' in 'culprit rules' (its commands: check, push)", "see 'culprit help --help'");
    }

    @Test
    void culpritAloneListsTheCommandsAsAMistake() {
        int exit = culprit();

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Usage: culprit [-hV] [COMMAND]").contains("completion", "help");
    }

    @Test
    void theCompletionScriptCompletesCommandsSubcommandsAndOptionsInBash() throws Exception {
        assertThat(culprit("completion")).isZero();
        Path script = Files.writeString(dir.resolve("culprit-completion.bash"), out.toString());

        assertThat(complete(script, "culprit", "qu")).containsExactly("query");
        assertThat(complete(script, "culprit", "rules", "ch")).containsExactly("check");
        assertThat(complete(script, "culprit", "replay", "--sp")).containsExactly("--speed");
        assertThat(complete(script, "culprit", "query", "incidents", "--for")).containsExactly("--format");
    }

    /** What bash offers for the last word, with the script sourced as `source <(culprit completion)` would. */
    private List<String> complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String program = "source " + script + " 2>/dev/null\n"
                + "COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line + "'; "
                + "COMP_POINT=" + line.length() + "\n"
                + "_complete_culprit 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process bash = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
        String offered = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return offered.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
