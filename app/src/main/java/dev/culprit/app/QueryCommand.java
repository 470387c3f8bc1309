package dev.culprit.app;

import dev.culprit.events.text.Durations;
import dev.culprit.events.IncidentKind;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentFilter;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentQueries;
import dev.culprit.storage.IncidentSummary;
import dev.culprit.storage.ReadOnlySql;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code culprit query}: incident history from the H2 database, read only. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Reads incident history; never writes.",
            "",
            "From the H2 database under the data directory (also while the pipeline writes it) or from a remote "
                    + "H2 server (--db jdbc:h2:tcp://...)."},
        subcommands = {QueryCommand.Incidents.class, QueryCommand.OneIncident.class, QueryCommand.Sql.class})
public final class QueryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Culprit.EXIT_USAGE;
    }

    public enum Format { TABLE, JSON, CSV }

    /** Times as an ISO-8601 instant, a local date-time or date (this machine's zone), or how long ago. */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String text = value.trim();
            if (text.matches("\\d+(ms|s|m|h|d)")) {
                return Instant.now().minus(Durations.parse(text));
            }
            ZoneId zone = ZoneId.systemDefault();
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException notWithOffset) {
                // try the next form
            }
            try {
                return LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant();
            } catch (DateTimeException notLocal) {
                // try the next form
            }
            try {
                return LocalDate.parse(text).atStartOfDay(zone).toInstant();
            } catch (DateTimeException notADate) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a time: write an ISO-8601 instant "
                        + "(2025-06-15T14:00:00Z), a local date-time (2025-06-15T16:00) or how long ago (30m, 2h, 7d)");
            }
        }
    }

    @Command(name = "incidents", mixinStandardHelpOptions = true,
            description = {"Lists incidents, newest first: those still going at or after --since that had started by --until."})
    static final class Incidents implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOption database;

        @Option(names = "--since", defaultValue = "24h", converter = TimeConverter.class, paramLabel = "TIME",
                description = "ISO-8601 time or how long ago, e.g. 2h (default: ${DEFAULT-VALUE}).")
        Instant since;

        @Option(names = "--until", converter = TimeConverter.class, paramLabel = "TIME",
                description = "ISO-8601 time or how long ago (default: now).")
        Instant until;

        @Option(names = "--kind", paramLabel = "KIND", description = "iowait, dos, mail, or clock (a host whose clock is far from Kafka's).")
        IncidentKind kind;

        @Option(names = "--host", paramLabel = "HOST", description = "Only this host (case-insensitive).")
        String host;

        @Option(names = "--culprit", paramLabel = "TEXT",
                description = "Only incidents blaming something whose name contains TEXT (case-insensitive, literal: %% and _ are not wildcards).")
        String culprit;

        @Option(names = "--open", description = "Only incidents that have not ended.")
        boolean openOnly;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
                description = "table, json or csv (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--limit", defaultValue = "500", paramLabel = "N", description = "At most N incidents (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
            }
            if (until != null && since.isAfter(until)) {
                throw new ParameterException(spec.commandLine(), "--since (" + since + ") is after --until (" + until + ")");
            }
            IncidentFilter filter = new IncidentFilter(since, until, kind, host, culprit, openOnly, limit + 1);
            IncidentQueries queries = IncidentQueries.open(database.access());
            List<IncidentSummary> found = queries.list(filter);
            List<IncidentSummary> shown = found.subList(0, Math.min(limit, found.size()));
            PrintWriter out = spec.commandLine().getOut();
            switch (format) {
                case JSON -> queries.details(shown).forEach(d -> out.println(IncidentJson.line(IncidentJson.of(d))));
                case CSV -> Output.csv(out, List.of("id", "key", "kind", "severity", "host", "rule", "start", "end",
                                "top_culprit_role", "top_culprit", "summary"),
                        shown.stream().map(i -> List.of(i.shortId(), i.id(), i.kind(), i.severity(), i.host(), i.rule(),
                                IncidentJson.iso(i.start()), i.end() == null ? "" : IncidentJson.iso(i.end()),
                                nullToEmpty(i.topCulpritRole()), nullToEmpty(i.topCulpritName()), nullToEmpty(i.summary()))).toList());
                default -> {
                    if (shown.isEmpty()) {
                        spec.commandLine().getErr().println("culprit query incidents: no incidents match");
                    } else {
                        TextTable.print(out, Terminal.ofStdout().width(), INCIDENT_COLUMNS,
                                shown.stream().map(i -> List.of(i.shortId(), i.kind(), i.severity(), i.host(), Output.local(i.start()),
                                        Output.end(i.start(), i.end()),
                                        i.topCulpritName() == null ? "-" : i.topCulpritName(), nullToEmpty(i.summary()))).toList());
                    }
                }
            }
            out.flush();
            if (found.size() > limit) {
                spec.commandLine().getErr().println("culprit query incidents: showing the newest " + limit
                        + "; more match (raise --limit or narrow the filters)");
            }
            return 0;
        }
    }

    /**
     * What a reader needs to tell incidents apart and act on is never cut; the summary, then the
     * top culprit give way to the terminal's width ({@link Terminal}), then the end and severity.
     */
    private static final List<TextTable.Column> INCIDENT_COLUMNS = List.of(
            TextTable.Column.whole("ID"), TextTable.Column.whole("KIND"), TextTable.Column.allOrNothing("SEVERITY"),
            TextTable.Column.whole("HOST"), TextTable.Column.whole("START"), TextTable.Column.allOrNothing("END"),
            TextTable.Column.cut("TOP CULPRIT", 12), TextTable.Column.cut("SUMMARY", 12));

    @Command(name = "incident", mixinStandardHelpOptions = true,
            description = "Shows one incident: its culprits with their evidence, its alerts in order, and the incidents linked to it.")
    static final class OneIncident implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOption database;

        @Parameters(paramLabel = "ID", description = "The incident's id as `culprit query incidents` lists it (8 hex digits), or its key.")
        String id;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() {
            if (format == Format.CSV) {
                throw new ParameterException(spec.commandLine(), "one incident is not a table: use --format table or json");
            }
            IncidentQueries queries = IncidentQueries.open(database.access());
            Optional<IncidentDetail> found;
            try {
                found = queries.find(id);
            } catch (IncidentId.Ambiguous e) {
                spec.commandLine().getErr().println("culprit query incident: " + TerminalText.printable(e.getMessage()));
                return Culprit.EXIT_RUNTIME;
            }
            if (found.isEmpty()) {
                spec.commandLine().getErr().println("culprit query incident: no incident '" + TerminalText.printable(id.strip())
                        + "' in " + queries.url());
                return Culprit.EXIT_RUNTIME;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.JSON) {
                out.println(IncidentJson.line(IncidentJson.of(found.get())));
            } else {
                printDetail(out, found.get());
            }
            out.flush();
            return 0;
        }
    }

    private static void printDetail(PrintWriter out, IncidentDetail d) {
        IncidentSummary i = d.incident();
        out.println("Incident " + i.shortId() + "  " + i.kind() + ", " + i.severity() + (i.open() ? ", open" : ""));
        out.println("  key      " + TerminalText.printable(i.id()));
        out.println("  host     " + TerminalText.printable(i.host()));
        out.println("  rule     " + TerminalText.printable(i.rule()));
        out.println("  start    " + Output.local(i.start()));
        out.println("  end      " + (i.end() == null ? "open" : Output.local(i.end())
                + (i.resolution() == null ? "" : " (" + TerminalText.printable(i.resolution()) + ")")));
        out.println("  summary  " + TerminalText.printable(nullToEmpty(i.summary())));
        out.println();
        out.println("Culprits");
        if (d.culprits().isEmpty()) {
            out.println("  (none named)");
        }
        for (IncidentDetail.StoredCulprit c : d.culprits()) {
            out.println("  " + (c.position() + 1) + ". " + TerminalText.printable(c.role()) + "  " + TerminalText.printable(c.name()));
            List<List<String>> rows = new ArrayList<>();
            c.evidence().forEach((k, v) -> rows.add(List.of(k, Output.number(v))));
            c.details().forEach((k, v) -> rows.add(List.of(k, v)));
            Output.rows(out, "       ", rows);
        }
        out.println();
        out.println("Timeline");
        Output.rows(out, "  ", d.timeline().stream()
                .map(t -> List.of(Output.local(t.ts()), t.state(), t.severity(), nullToEmpty(t.summary()))).toList());
        out.println();
        out.println("Linked incidents");
        if (d.linked().isEmpty()) {
            out.println("  (none)");
        }
        Output.rows(out, "  ", d.linked().stream().map(l -> l.known()
                ? List.of(l.shortId(), l.kind(), l.host(), Output.local(l.start()), Output.end(l.start(), l.end()), nullToEmpty(l.summary()))
                : List.of(l.shortId(), "(not stored)")).toList());
    }

    @Command(name = "sql", mixinStandardHelpOptions = true,
            description = {"Runs one read-only SQL query (SELECT, WITH, EXPLAIN, SHOW, VALUES, TABLE). Anything else is "
                + "refused, and the query runs as a temporary SELECT-only database user, so H2 itself refuses a write "
                + "hidden inside it.", "Tables: incidents, alerts, culprits, related_incidents (times in epoch milliseconds). "
                + "The incidents' id column holds their keys; the short id is " + IncidentId.SQL + "."})
    static final class Sql implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOption database;

        @Parameters(paramLabel = "SQL", description = "The query, quoted as one argument.")
        String sql;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
                description = "table, json or csv (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--max-rows", defaultValue = "1000", paramLabel = "N", description = "At most N rows (default: ${DEFAULT-VALUE}).")
        int maxRows;

        @Override
        public Integer call() {
            if (maxRows < 1) {
                throw new ParameterException(spec.commandLine(), "--max-rows must be at least 1, was " + maxRows);
            }
            ReadOnlySql.Result result;
            try {
                ReadOnlySql.check(sql);
                result = new ReadOnlySql(database.access()).run(sql, maxRows);
            } catch (ReadOnlySql.Refused e) {
                spec.commandLine().getErr().println("culprit query sql: refused: " + e.getMessage());
                return Culprit.EXIT_USAGE;
            } catch (SQLException e) {
                spec.commandLine().getErr().println("culprit query sql: " + e.getMessage().lines().findFirst().orElse(""));
                return Culprit.EXIT_RUNTIME;
            }
            PrintWriter out = spec.commandLine().getOut();
            List<String> columns = result.columns().stream().map(Sql::asWritten).toList();
            switch (format) {
                case JSON -> {
                    for (List<Object> row : result.rows()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        for (int col = 0; col < row.size(); col++) {
                            String key = columns.get(col);
                            while (m.containsKey(key)) {
                                key = key + "_" + (col + 1);
                            }
                            m.put(key, Output.jsonValue(row.get(col)));
                        }
                        out.println(IncidentJson.line(m));
                    }
                }
                case CSV -> Output.csv(out, columns,
                        result.rows().stream().map(r -> r.stream().map(v -> v == null ? "" : Output.text(v)).toList()).toList());
                default -> Output.table(out, columns,
                        result.rows().stream().map(r -> r.stream().map(v -> v == null ? "NULL" : Output.text(v)).toList()).toList());
            }
            out.flush();
            if (result.truncated()) {
                spec.commandLine().getErr().println("culprit query sql: showing the first " + maxRows + " rows; there are more (--max-rows)");
            }
            return 0;
        }

        /**
         * A column's name in the case the query wrote it. H2 upper-cases unquoted identifiers and
         * the expressions it names columns by ({@code end_ts} comes back {@code END_TS},
         * {@code count(*)} {@code COUNT(*)}), and keeps quoted ones as written: a name with no
         * lower-case letter is taken to be folded and given back in lower case, so
         * {@code "Ends"} stays {@code Ends} (an all-capitals quoted name comes back in lower case too).
         */
        static String asWritten(String column) {
            return column.equals(column.toUpperCase(Locale.ROOT)) ? column.toLowerCase(Locale.ROOT) : column;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** How rows leave the command: aligned text for people, CSV and JSON for programs. */
    static final class Output {

        private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
        private static final int MAX_CELL = 80;

        private Output() {}

        static String local(long epochMillis) {
            return LOCAL.format(Instant.ofEpochMilli(epochMillis));
        }

        /** "open", the time of day when the incident ended on the day it started, the date and time otherwise. */
        static String end(Long start, Long end) {
            if (end == null) {
                return "open";
            }
            String full = local(end);
            return start != null && full.substring(0, 10).equals(local(start).substring(0, 10)) ? full.substring(11) : full;
        }

        static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
        }

        static String text(Object v) {
            if (v instanceof byte[] bytes) {
                return HexFormat.of().formatHex(bytes);
            }
            return String.valueOf(v);
        }

        static Object jsonValue(Object v) {
            if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
                return v;
            }
            if (v instanceof List<?> list) {
                return list.stream().map(Output::jsonValue).toList();
            }
            return text(v);
        }

        private static String cell(String s) {
            String p = TerminalText.printable(s);
            return p.length() <= MAX_CELL ? p : p.substring(0, MAX_CELL - 1) + "…";
        }

        static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
            List<List<String>> all = new ArrayList<>();
            all.add(header);
            all.addAll(rows);
            rows(out, "", all);
        }

        /** Rows as aligned columns, two spaces apart; the last column is not padded. */
        static void rows(PrintWriter out, String indent, List<List<String>> rows) {
            List<List<String>> cells = rows.stream().map(r -> r.stream().map(Output::cell).toList()).toList();
            int columns = cells.stream().mapToInt(List::size).max().orElse(0);
            int[] width = new int[columns];
            for (List<String> r : cells) {
                for (int c = 0; c < r.size(); c++) {
                    width[c] = Math.max(width[c], r.get(c).length());
                }
            }
            for (List<String> r : cells) {
                StringBuilder line = new StringBuilder(indent);
                for (int c = 0; c < r.size(); c++) {
                    line.append(r.get(c));
                    if (c < r.size() - 1) {
                        line.append(" ".repeat(width[c] - r.get(c).length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
        }

        /** RFC 4180: CRLF line ends; a field with a comma, quote, CR or LF is quoted, quotes doubled. */
        static void csv(PrintWriter out, List<String> header, List<List<String>> rows) {
            List<List<String>> all = new ArrayList<>();
            all.add(header);
            all.addAll(rows);
            for (List<String> r : all) {
                out.print(String.join(",", r.stream().map(Output::csvField).toList()));
                out.print("\r\n");
            }
        }

        private static String csvField(String s) {
            if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
                return s;
            }
            return '"' + s.replace("\"", "\"\"") + '"';
        }
    }
}
