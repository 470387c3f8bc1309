package dev.culprit.app;

import dev.culprit.events.access.RandomSecret;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogin;
import dev.culprit.storage.H2Loopback;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;
import org.h2.server.web.JakartaWebServlet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code culprit console}: H2's own web console, for browsing the incident database with SQL by
 * hand. H2's built-in web server asks for nothing before its login form, where anyone who reaches
 * the port could open any H2 database file as its admin (one they made themselves, say) and run
 * Java through {@code CREATE ALIAS} as the user running the console. So H2's console servlet runs
 * inside Jetty here, behind HTTP Basic authentication with the database's read-only login: no
 * page, not even the login form, is served without the password.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Starts H2's web console on 127.0.0.1, behind a login: the read-only database user and its password "
                + "(from the data directory's secrets/database.properties, reader.password). Runs until Ctrl-C."})
public final class ConsoleCommand implements Callable<Integer> {

    private static final String ROLE = "culprit-reader";

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOption database;

    @Option(names = "--port", defaultValue = "8082", paramLabel = "N",
            description = "Port for the console; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    BindOption bind;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was " + port);
        }
        InetAddress address = bind.address();
        DatabaseAccess access = database.access();
        H2Loopback.check(); // before H2's console opens the file: an AUTO_SERVER it starts must stay on loopback
        String adminPassword = RandomSecret.generate();
        Server server = server(access, address, port, adminPassword);
        server.start();
        try (StopSignal stop = StopSignal.install("culprit-console")) {
            int listening = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            PrintWriter out = spec.commandLine().getOut();
            out.println("culprit console: H2 web console at http://" + address.getHostAddress() + ":" + listening + "/"
                    + (address.isLoopbackAddress() ? " (this machine only)" : "") + ". Ctrl-C to stop.");
            out.println("  log in (browser and console form): user " + access.login().user() + ", password: "
                    + passwordSource());
            out.println("  JDBC URL:  " + access.url());
            out.println("  console admin password (Preferences and Tools pages; shown only now): " + adminPassword);
            out.flush();
            stop.await(null);
        } finally {
            server.stop();
        }
        return 0;
    }

    private String passwordSource() {
        return database.target != null && database.target.url != null
                ? "the one --db-password-file or " + DatabaseOption.PASSWORD_VARIABLE + " gave"
                : "reader.password in " + DataDirectory.SECRETS + "/" + DataDirectory.DATABASE_LOGINS + " of the data directory";
    }

    /** Jetty on {@code address}, every path behind Basic authentication, H2's console servlet inside. */
    static Server server(DatabaseAccess access, InetAddress address, int port, String adminPassword) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(address.getHostAddress());
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        ServletHolder console = new ServletHolder(JakartaWebServlet.class);
        console.setInitParameter("webAdminPassword", org.h2.server.web.WebServer.encodeAdminPassword(adminPassword));
        if (!address.isLoopbackAddress()) {
            console.setInitParameter("webAllowOthers", "");
        }
        context.addServlet(console, "/*");

        context.setSecurityHandler(readerLogin(access.login()));
        server.setHandler(context);
        return server;
    }

    /**
     * HTTP Basic authentication on every path with the database's read-only login: what Culprit
     * serves (this console, {@code culprit ui}) is worth the same password as the history it shows.
     */
    static ConstraintSecurityHandler readerLogin(DatabaseLogin reader) {
        UserStore users = new UserStore();
        users.addUser(reader.user(), Credential.getCredential(reader.password()), new String[] {ROLE});
        HashLoginService login = new HashLoginService("Culprit history");
        login.setUserStore(users);
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setAuthenticator(new BasicAuthenticator());
        security.setLoginService(login);
        security.setRealmName("Culprit history");
        ConstraintMapping everything = new ConstraintMapping();
        everything.setPathSpec("/*");
        everything.setConstraint(Constraint.from(ROLE));
        security.addConstraintMapping(everything);
        return security;
    }

}
