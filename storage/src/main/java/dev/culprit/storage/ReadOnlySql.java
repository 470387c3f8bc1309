package dev.culprit.storage;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs an operator's ad hoc SQL against the incident database, reading only. Two independent
 * guards, because either alone has holes:
 *
 * <ol>
 *   <li>{@link #check}: a lexer that follows H2's own rules for strings, quoted identifiers and
 *       (nested) comments accepts one statement that starts as a read ({@code SELECT}, {@code WITH},
 *       {@code EXPLAIN}, {@code SHOW}, {@code VALUES}, {@code TABLE}) and names no data change
 *       ({@code SELECT * FROM FINAL TABLE (INSERT ...)} is a query to JDBC), no sequence step
 *       and no file-writing function.</li>
 *   <li>The statement runs as a temporary H2 user that was granted {@code SELECT} on the schema and
 *       nothing else, so H2 itself refuses writes, DDL and the admin-only functions
 *       ({@code FILE_WRITE}, {@code CSVWRITE}, {@code LINK_SCHEMA}, ...). H2 2.5 has no read-only
 *       connection or transaction to lean on instead: {@code Connection.setReadOnly(true)} is
 *       ignored, {@code SET TRANSACTION READ ONLY} does not parse, and {@code ACCESS_MODE_DATA=r}
 *       is ignored once the pipeline has the file open. The user is dropped afterwards.</li>
 * </ol>
 *
 * <p>When the login given is not an H2 admin (Culprit's own read-only user, or a restricted account
 * on a shared server), no temporary user can be made; the statement then runs under that account's
 * own rights, in a transaction that is rolled back.
 */
public final class ReadOnlySql {

    /** An ad hoc statement that is not a single read. */
    public static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /** What a query returned; {@code truncated} when rows beyond {@code maxRows} were left out. */
    public record Result(List<String> columns, List<List<Object>> rows, boolean truncated) {
        public Result {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    private static final Set<String> READ_STARTS = Set.of("SELECT", "WITH", "EXPLAIN", "SHOW", "VALUES", "TABLE");

    /** Words that have no business in a read: data change (also inside a query), DDL, rights, sessions. */
    private static final Set<String> WRITE_WORDS = Set.of(
            "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "TRUNCATE",
            "CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "CALL", "RUNSCRIPT", "SCRIPT", "BACKUP", "SHUTDOWN",
            "CHECKPOINT", "COMMIT", "ROLLBACK",
            // functions that write files, link other databases, step sequences or kill sessions
            "FILE_WRITE", "FILE_READ", "CSVWRITE", "LINK_SCHEMA", "NEXTVAL", "SETVAL", "CANCEL_SESSION", "ABORT_SESSION");

    /** H2's error code for a login without admin rights attempting an admin operation. */
    private static final int ADMIN_RIGHTS_REQUIRED = 90040;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseAccess access;

    /** Usually Culprit's read-only user; an admin login (a remote H2's only account) gets a temporary reader. */
    public ReadOnlySql(DatabaseAccess access) {
        this.access = access;
    }

    /** Runs one read, keeping at most {@code maxRows} rows. */
    public Result run(String sql, int maxRows) throws SQLException {
        check(sql);
        return runAsReader(sql, maxRows);
    }

    /** Refuses anything but a single read; see the class comment. */
    public static void check(String sql) {
        List<String> words = words(sql);
        int end = words.indexOf(";");
        List<String> statement = end < 0 ? words : words.subList(0, end);
        for (String after : words.subList(statement.size(), words.size())) {
            if (!after.equals(";")) {
                throw new Refused("one statement at a time: found '" + after + "' after ';'");
            }
        }
        String first = statement.stream().filter(w -> !w.equals("(")).findFirst()
                .orElseThrow(() -> new Refused("no statement given"));
        if (!READ_STARTS.contains(first)) {
            throw new Refused("only reads are run (SELECT, WITH, EXPLAIN, SHOW, VALUES, TABLE); this starts with " + first);
        }
        for (int n = 0; n < statement.size(); n++) {
            String w = statement.get(n);
            if (WRITE_WORDS.contains(w)) {
                throw new Refused("'" + w + "' is not allowed: query sql only reads");
            }
            if (w.equals("NEXT") && n + 1 < statement.size() && statement.get(n + 1).equals("VALUE")) {
                throw new Refused("'NEXT VALUE FOR' steps a sequence: query sql only reads");
            }
            if (w.equals("FOR") && n + 1 < statement.size() && statement.get(n + 1).equals("UPDATE")) {
                throw new Refused("'FOR UPDATE' locks rows: query sql only reads");
            }
            if (w.equals("REPLACE") && !(n + 1 < statement.size() && statement.get(n + 1).equals("("))) {
                throw new Refused("'REPLACE' outside the REPLACE(...) function is not allowed: query sql only reads");
            }
        }
    }

    /**
     * The statement's bare words (upper-cased), {@code (} and {@code ;}, with strings, quoted
     * identifiers and comments skipped the way H2 skips them. What is unclear (an unterminated
     * string or comment) is refused: a guard must not see less of the text than the database does.
     */
    static List<String> words(String sql) {
        List<String> words = new ArrayList<>();
        int n = 0;
        int len = sql.length();
        while (n < len) {
            char ch = sql.charAt(n);
            if (Character.isWhitespace(ch)) {
                n++;
            } else if (sql.startsWith("--", n) || sql.startsWith("//", n)) {
                while (n < len && sql.charAt(n) != '\n' && sql.charAt(n) != '\r') {
                    n++;
                }
            } else if (sql.startsWith("/*", n)) {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", n)) {
                        depth++;
                        n += 2;
                    } else if (sql.startsWith("*/", n)) {
                        depth--;
                        n += 2;
                    } else {
                        n++;
                    }
                } while (depth > 0 && n < len);
                if (depth > 0) {
                    throw new Refused("unterminated /* comment");
                }
            } else if (ch == '\'' || ch == '"' || ch == '`') {
                n = skipQuoted(sql, n, ch);
            } else if (sql.startsWith("$$", n)) {
                int close = sql.indexOf("$$", n + 2);
                if (close < 0) {
                    throw new Refused("unterminated $$ string");
                }
                n = close + 2;
            } else if (Character.isLetter(ch) || ch == '_') {
                int start = n;
                while (n < len && (Character.isLetterOrDigit(sql.charAt(n)) || sql.charAt(n) == '_' || sql.charAt(n) == '$')) {
                    n++;
                }
                words.add(sql.substring(start, n).toUpperCase(Locale.ROOT));
            } else {
                if (ch == ';' || ch == '(') {
                    words.add(String.valueOf(ch));
                }
                n++;
            }
        }
        return words;
    }

    /** Skips a quoted string or identifier starting at {@code start}; a doubled quote is part of it. */
    private static int skipQuoted(String sql, int start, char quote) {
        int n = start + 1;
        while (n < sql.length()) {
            if (sql.charAt(n) == quote) {
                if (n + 1 < sql.length() && sql.charAt(n + 1) == quote) {
                    n += 2;
                    continue;
                }
                return n + 1;
            }
            n++;
        }
        throw new Refused("unterminated " + (quote == '\'' ? "string" : "quoted identifier") + " starting at character " + (start + 1));
    }

    /** The database-side guard alone, without {@link #check}: package-private so tests can probe it. */
    Result runAsReader(String sql, int maxRows) throws SQLException {
        try (Connection admin = access.connect()) {
            String reader = "CULPRIT_READER_" + HexFormat.of().formatHex(randomBytes(8)).toUpperCase(Locale.ROOT);
            String readerPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
            try (PreparedStatement create = admin.prepareStatement("CREATE USER " + reader + " PASSWORD ?")) {
                create.setString(1, readerPassword);
                create.execute();
            } catch (SQLException e) {
                if (e.getErrorCode() != ADMIN_RIGHTS_REQUIRED) {
                    throw e;
                }
                return runAndRollBack(admin, sql, maxRows);
            }
            try {
                try (Statement grant = admin.createStatement()) {
                    grant.execute("GRANT SELECT ON SCHEMA PUBLIC TO " + reader);
                }
                try (Connection c = new DatabaseAccess(access.url(), new DatabaseLogin(reader, readerPassword)).connect()) {
                    return runAndRollBack(c, sql, maxRows);
                }
            } finally {
                try (Statement drop = admin.createStatement()) {
                    drop.execute("DROP USER " + reader);
                }
            }
        }
    }

    private static Result runAndRollBack(Connection c, String sql, int maxRows) throws SQLException {
        c.setReadOnly(true); // ignored by H2 2.5; honoured by drivers that have read-only connections
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.setMaxRows(maxRows + 1);
            if (!st.execute(sql)) {
                throw new Refused("the statement returned no rows; query sql only runs queries");
            }
            try (ResultSet rs = st.getResultSet()) {
                return read(rs, maxRows);
            }
        } finally {
            c.rollback();
        }
    }

    private static Result read(ResultSet rs, int maxRows) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int col = 1; col <= meta.getColumnCount(); col++) {
            columns.add(meta.getColumnLabel(col));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == maxRows) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(columns.size());
            for (int col = 1; col <= columns.size(); col++) {
                row.add(value(rs.getObject(col)));
            }
            rows.add(java.util.Collections.unmodifiableList(row));
        }
        return new Result(columns, rows, truncated);
    }

    /** Large and structured values as plain Java: CLOB as text, BLOB as bytes, ARRAY as a list. */
    private static Object value(Object v) throws SQLException {
        if (v instanceof Clob clob) {
            return clob.getSubString(1, (int) Math.min(clob.length(), Integer.MAX_VALUE));
        }
        if (v instanceof Blob blob) {
            return blob.getBytes(1, (int) Math.min(blob.length(), Integer.MAX_VALUE));
        }
        if (v instanceof Array array) {
            List<Object> items = new ArrayList<>();
            for (Object item : (Object[]) array.getArray()) {
                items.add(value(item));
            }
            return items;
        }
        return v;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
