package dev.culprit.app;

import dev.culprit.events.text.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations the way operators write them: {@code 20s}, {@code 5m}, {@code 2h}, {@code 7d}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
