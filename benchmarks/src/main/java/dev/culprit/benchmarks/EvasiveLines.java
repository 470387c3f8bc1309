package dev.culprit.benchmarks;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.LogKind;
import java.time.Clock;
import java.time.ZoneId;
import org.openjdk.jmh.annotations.Param;

/** mod_evasive's lines: the Apache error log of two real attacks, and the syslog it writes when it cannot write its DOSLogDir. */
public class EvasiveLines extends LogLineBenchmark {

    @Param({"evasive/run1-writable-apache-error.txt", "evasive/run2-not-writable-apache-error.txt",
        "evasive/run2-not-writable-syslog-rfc3339.txt", "evasive/run2-not-writable-syslog-traditional.txt"})
    public String file;

    @Override
    String capturedFile() {
        return file;
    }

    @Override
    LineParser parserFor(String file) {
        return LogKind.EVASIVE.reader(ZoneId.systemDefault(), Clock.systemUTC()).parser();
    }
}
