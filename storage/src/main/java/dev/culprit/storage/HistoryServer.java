package dev.culprit.storage;

import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.access.RandomSecret;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Arguments: {@code PORT BASE_DIR MANAGEMENT_PASSWORD_FILE [DATABASE]}. With {@code DATABASE}, the
 * base directory is prepared as a Culprit data directory first (its logins made on first use, in
 * {@code secrets/}) and that database made and migrated, for a deployment where nothing else does it
 * (docker-compose.yml); the management password file is made too when missing.
 */
public final class HistoryServer {

    private HistoryServer() {}

    public static void main(String[] args) throws SQLException, InterruptedException, java.net.UnknownHostException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: HistoryServer PORT BASE_DIR MANAGEMENT_PASSWORD_FILE [DATABASE]");
            System.exit(2);
        }
        H2Loopback.check();
        Path managementPassword = Path.of(args[2]);
        if (args.length == 4) {
            DataDirectory.prepare(Path.of(args[1]), System.err::println).database(args[3]).releaseWhenUnused();
            if (!Files.exists(managementPassword)) {
                OwnerOnlyFile.create(managementPassword, RandomSecret.generate() + "\n");
            }
        }
        String password = OwnerOnlyFile.read(managementPassword).strip();
        List<String> settings = new ArrayList<>(List.of("-tcpPort", args[0], "-baseDir", Path.of(args[1]).toAbsolutePath().toString(),
                "-ifExists", "-tcpPassword", password));
        if (!InetAddress.getByName(org.h2.engine.SysProperties.BIND_ADDRESS).isLoopbackAddress()) {
            // bound to another address on purpose (-Dh2.bindAddress, a container's network): clients there
            // are let in, each still with its login
            settings.add("-tcpAllowOthers");
        }
        Server server = Server.createTcpServer(settings.toArray(String[]::new)).start();
        System.out.println("H2 history server on " + server.getURL() + ", base directory " + args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "history-server-stop"));
        new CountDownLatch(1).await(); // serves until the process is stopped
    }
}
