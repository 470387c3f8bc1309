package dev.culprit.benchmarks;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.LogKind;
import java.time.Clock;
import java.time.ZoneId;
import org.openjdk.jmh.annotations.Param;

/** PHP's mail.log as a file (a real mail flood) and as syslog, and the recipient-header capture. */
public class PhpMailLines extends LogLineBenchmark {

    @Param({"phpmail/file-mail-log.txt", "phpmail/syslog-syslog-rfc3339.txt", "phpmail/syslog-syslog-traditional.txt",
        "phpmail-recipients/mail-log.txt"})
    public String file;

    @Override
    String capturedFile() {
        return file;
    }

    @Override
    LineParser parserFor(String file) {
        return LogKind.PHPMAIL.reader(ZoneId.systemDefault(), Clock.systemUTC()).parser();
    }
}
