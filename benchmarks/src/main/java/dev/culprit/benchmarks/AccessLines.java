package dev.culprit.benchmarks;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.access.AccessLineParser;
import dev.culprit.collectors.access.AccessLogFormat;
import org.openjdk.jmh.annotations.Param;

/** Apache access logs: visitors in the combined and vhost_combined formats, and a real flood of 57,752 lines. */
public class AccessLines extends LogLineBenchmark {

    @Param({"access/combined-access.txt", "access/vhost-combined-access.txt", "access-flood/combined-access.txt.gz"})
    public String file;

    @Override
    String capturedFile() {
        return file;
    }

    /** The LogFormat each capture was written in, as a collector's config would name it. */
    @Override
    LineParser parserFor(String file) {
        String format = file.contains("vhost-combined") ? AccessLogFormat.VHOST_COMBINED : AccessLogFormat.COMBINED;
        return new AccessLineParser(AccessLogFormat.compile(format), "access.log");
    }
}
