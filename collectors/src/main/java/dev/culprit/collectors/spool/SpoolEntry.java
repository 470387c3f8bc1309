package dev.culprit.collectors.spool;

import dev.culprit.collectors.tail.FilePosition;
import java.util.List;
import java.util.Map;

/**
 * One atomic unit of the spool: the records made from a batch of input, and — for tailed logs —
 * the file positions reached by that batch. Writing both in one append is what makes a restart
 * resume exactly after the last line that was spooled.
 */
public record SpoolEntry(List<SpooledRecord> records, Map<String, FilePosition> positions) {

    public SpoolEntry {
        records = List.copyOf(records);
        positions = Map.copyOf(positions);
    }
}
