package dev.culprit.collectors.access;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;

/**
 * One access-log line as a tally of one request; {@link AccessAggregation} then folds a batch's
 * tallies per client, vhost and second. A line the format does not fit is unparseable, with why.
 */
public final class AccessLineParser implements LineParser {

    private final AccessLogFormat format;
    private final String file;

    /** @param file the log's name, as every tally from it says where it came from */
    public AccessLineParser(AccessLogFormat format, String file) {
        this.format = format;
        this.file = file;
    }

    @Override
    public ParseResult parse(String host, String line) {
        AccessLogFormat.Reading reading = format.read(line);
        if (reading instanceof AccessLogFormat.Request request) {
            return ParseResult.parsed(AccessAggregation.tallyOf(host, file, request.line()));
        }
        return ParseResult.unparseable(((AccessLogFormat.Unreadable) reading).reason());
    }
}
