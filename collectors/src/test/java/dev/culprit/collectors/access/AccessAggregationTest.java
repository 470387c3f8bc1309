package dev.culprit.collectors.access;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.summingLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.access.AccessLogCaptureTest.Sent;
import dev.culprit.events.AccessTally;
import dev.culprit.events.Event;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AccessAggregationTest {

    private record Key(String client, String vhost, long second) {}

    @Test
    void everyRequestCurlMadeIsCountedOnceWithItsBytes() throws IOException {
        for (String[] log : new String[][] {{"combined-access.txt", AccessLogFormat.COMBINED},
                {"vhost-combined-access.txt", AccessLogFormat.VHOST_COMBINED}}) {
            List<AccessTally> tallies = aggregate(AccessLogCaptureTest.readAll(log[0], AccessLogFormat.compile(log[1])));
            List<Sent> sent = AccessLogCaptureTest.sent(log[0]);

            assertThat(sumPerClient(tallies, AccessTally::requests)).as(log[0])
                    .isEqualTo(sent.stream().collect(groupingBy(Sent::client, summingLong(s -> 1))));
            assertThat(sumPerClient(tallies, AccessTally::bytes)).as(log[0])
                    .isEqualTo(sent.stream().collect(groupingBy(Sent::client, summingLong(Sent::bytesSent))));
        }
    }

    @Test
    void oneTallyPerClientVhostAndSecondWithExactCountsByStatusClass() throws IOException {
        List<AccessLogLine> lines = AccessLogCaptureTest.readAll("vhost-combined-access.txt",
                AccessLogFormat.compile(AccessLogFormat.VHOST_COMBINED));

        List<AccessTally> tallies = aggregate(lines);

        Map<Key, List<AccessLogLine>> perKey = lines.stream().collect(groupingBy(l -> new Key(l.client(), l.vhost(), l.ts() / 1000)));
        assertThat(tallies).hasSameSizeAs(perKey.keySet());
        for (AccessTally tally : tallies) {
            List<AccessLogLine> of = perKey.get(new Key(tally.client(), tally.vhost(), tally.ts() / 1000));
            assertThat(tally.requests()).isEqualTo(of.size());
            assertThat(new long[] {tally.status1xx(), tally.status2xx(), tally.status3xx(), tally.status4xx(), tally.status5xx()})
                    .containsExactly(classCounts(of));
            assertThat(tally.bytes()).isEqualTo(of.stream().mapToLong(AccessLogLine::bytes).sum());
            assertThat(tally.ts() % 1000).isZero();
            assertThat(tally.file()).isEqualTo("vhost-combined-access.txt");
        }
    }

    @Test
    void aFloodCostsOneEventPerSecondNotOnePerRequest() throws IOException {
        List<AccessLogLine> lines = AccessLogCaptureTest.readAll("combined-access.txt", AccessLogFormat.compile(AccessLogFormat.COMBINED));

        List<AccessTally> burst = aggregate(lines).stream().filter(t -> t.client().equals("127.0.0.55")).toList();

        long seconds = lines.stream().filter(l -> l.client().equals("127.0.0.55")).map(l -> l.ts() / 1000).distinct().count();
        assertThat(burst).hasSize((int) seconds);
        assertThat(burst.stream().mapToLong(AccessTally::requests).sum()).isEqualTo(300);
        assertThat(burst).allMatch(t -> t.requests() == t.status2xx());
    }

    @Test
    void aClientsSecondSplitAcrossTwoBatchesIsTwoTalliesAndNothingIsLostOrCountedTwice() {
        AccessAggregation fold = new AccessAggregation();
        List<Event> first = fold.apply(List.of(one("192.0.2.1", 10_200, 200), one("192.0.2.2", 10_900, 404),
                one("192.0.2.1", 10_500, 500)));
        List<Event> second = fold.apply(List.of(one("192.0.2.1", 10_999, 200), one("192.0.2.1", 11_000, 301)));

        assertThat(first).map(e -> (AccessTally) e)
                .extracting(AccessTally::client, AccessTally::ts, AccessTally::requests, AccessTally::status5xx)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("192.0.2.1", 10_000L, 2L, 1L),
                        org.assertj.core.groups.Tuple.tuple("192.0.2.2", 10_000L, 1L, 0L));
        assertThat(second).map(e -> (AccessTally) e).extracting(AccessTally::ts, AccessTally::requests)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10_000L, 1L), org.assertj.core.groups.Tuple.tuple(11_000L, 1L));
    }

    private static AccessTally one(String client, long ts, int status) {
        return AccessAggregation.tallyOf("web1", "access.log", line(client, ts, status));
    }

    private static AccessLogLine line(String client, long ts, int status) {
        return new AccessLogLine(client, false, "shop.example.org", ts, "GET", "/", status, 100);
    }

    /** The whole capture as one batch, as a one-shot read of a short log folds it. */
    private static List<AccessTally> aggregate(List<AccessLogLine> lines) {
        String file = lines.isEmpty() ? "none" : fileOf(lines);
        List<Event> tallies = lines.stream().map(l -> (Event) AccessAggregation.tallyOf("vm", file, l)).toList();
        return new AccessAggregation().apply(tallies).stream().map(e -> (AccessTally) e).toList();
    }

    private static String fileOf(List<AccessLogLine> lines) {
        return lines.stream().anyMatch(l -> l.vhost() != null) ? "vhost-combined-access.txt" : "combined-access.txt";
    }

    private static Map<String, Long> sumPerClient(List<AccessTally> tallies, Function<AccessTally, Long> value) {
        return tallies.stream().collect(groupingBy(AccessTally::client, summingLong(t -> Objects.requireNonNull(value.apply(t)))));
    }

    private static long[] classCounts(List<AccessLogLine> lines) {
        long[] counts = new long[5];
        lines.forEach(l -> counts[l.status() / 100 - 1]++);
        return counts;
    }
}
