package dev.culprit.storage;

import dev.culprit.events.access.OwnerOnlyFile;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import org.h2.tools.Server;

/**
 * H2's TCP server for a history that processes on other JVMs write (a Flink cluster's tasks) and
 * read ({@code culprit query --db}): the main of {@code culprit cluster up}'s H2 process. It serves
 * only databases that exist already (made and migrated with their logins before it starts), on
 * 127.0.0.1 ({@link H2Loopback}), to local clients only; its management password (to shut it down
 * over the wire) is read from an owner-only file, so it never shows on a command line.
 *
 * <p>Arguments: {@code PORT BASE_DIR MANAGEMENT_PASSWORD_FILE}.
 */
public final class HistoryServer {

    private HistoryServer() {}

    public static void main(String[] args) throws SQLException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: HistoryServer PORT BASE_DIR MANAGEMENT_PASSWORD_FILE");
            System.exit(2);
        }
        H2Loopback.check();
        String password = OwnerOnlyFile.read(Path.of(args[2])).strip();
        Server server = Server.createTcpServer("-tcpPort", args[0], "-baseDir", Path.of(args[1]).toAbsolutePath().toString(),
                "-ifExists", "-tcpPassword", password).start();
        System.out.println("H2 history server on " + server.getURL() + ", base directory " + args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "history-server-stop"));
        new CountDownLatch(1).await(); // serves until the process is stopped
    }
}
