package dev.culprit.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The lines inside the files a whole-file benchmark parsed: JMH reports {@link #lines} per second
 * beside the files per second, for comparison with the line parsers' target.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ParsedLines {

    public long lines;

    @Setup(Level.Iteration)
    public void startIteration() {
        lines = 0;
    }
}
