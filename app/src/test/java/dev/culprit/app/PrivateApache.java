package dev.culprit.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apache of Debian's packages, started from a configuration of its own under one
 * directory, on a free 127.0.0.1 port: prefork with mod_php, mod_status (ExtendedStatus On),
 * mod_evasive with a DOSLogDir the web server's user can write, a combined access log, and PHP
 * writing {@code mail.log} and handing mail to a sink that keeps nothing. The system's own Apache
 * configuration is neither read nor changed; {@link #close} stops only the process it started.
 */
final class PrivateApache implements AutoCloseable {

    static final Path APACHE = Path.of("/usr/sbin/apache2");
    static final Path MODULES = Path.of("/usr/lib/apache2/modules");

    /** mod_evasive's counts, per Apache child and second: low, so a loopback flood is blocked at once. */
    static final int DOS_PAGE_COUNT = 10;
    static final int DOS_SITE_COUNT = 100;

    private final Path root;
    private final int port;
    private final Process process;

    private PrivateApache(Path root, int port, Process process) {
        this.root = root;
        this.port = port;
        this.process = process;
    }

    /** What this machine lacks to run it, or an empty list. */
    static List<String> missing() {
        Stream<String> needs = Stream.of(APACHE.toString(), MODULES.resolve("mod_evasive20.so").toString(),
                MODULES.resolve("mod_status.so").toString(), "/usr/bin/php", "/usr/bin/curl", "/usr/bin/timeout",
                "/usr/bin/dd", "/usr/bin/sha256sum", "/usr/bin/setsid");
        List<String> missing = new java.util.ArrayList<>(needs.filter(p -> !Files.isExecutable(Path.of(p)) && !Files.exists(Path.of(p))).toList());
        if (phpModule() == null) {
            missing.add(MODULES + "/libphp*.so (libapache2-mod-php)");
        }
        return missing;
    }

    private static Path phpModule() {
        try (Stream<Path> modules = Files.list(MODULES)) {
            return modules.filter(p -> p.getFileName().toString().matches("libphp[0-9.]*\\.so")).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static PrivateApache start(Path root) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // the web server's user must reach the document root (Apache answers 403 where it cannot walk a
        // path's directories) and write mod_evasive's and PHP's logs
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path dir = root.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalArgumentException(dir + " is not searchable by others: Apache's user could not reach " + root);
            }
        }
        for (String dir : List.of("htdocs", "logs", "run", "evasive")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("logs/mail.log"), "");
        boolean root_ = "root".equals(System.getProperty("user.name"));
        if (root_) {
            run("chown", "www-data:www-data", root.resolve("evasive").toString(), root.resolve("logs/mail.log").toString());
        }
        Path sink = root.resolve("sendmail-sink");
        Files.writeString(sink, "#!/bin/sh\n# keeps nothing: the test counts mails from PHP's mail.log\ncat >/dev/null\n");
        Files.setPosixFilePermissions(sink, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("httpd.conf"), config(root, port, sink, root_));
        // A session of its own: at shutdown Apache's parent signals its whole process group, which
        // would otherwise be this JVM's (and Maven's). setsid execs in place, so the PID stays Apache's.
        Process process = new ProcessBuilder("setsid", APACHE.toString(), "-f", root.resolve("httpd.conf").toString(), "-DFOREGROUND")
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("logs/stdout.txt").toFile())
                .start();
        PrivateApache apache = new PrivateApache(root, port, process);
        try {
            apache.awaitUp();
        } catch (Exception e) {
            apache.close();
            throw e;
        }
        return apache;
    }

    private static String config(Path root, int port, Path sink, boolean dropPrivileges) {
        return String.join("\n",
                "# Written by Culprit's end-to-end test; read by this Apache only",
                "ServerRoot " + root,
                "DefaultRuntimeDir " + root.resolve("run"),
                "PidFile " + root.resolve("run/httpd.pid"),
                "Listen 127.0.0.1:" + port,
                "ServerName e2e-web",
                dropPrivileges ? "User www-data\nGroup www-data" : "",
                "LoadModule mpm_prefork_module " + MODULES.resolve("mod_mpm_prefork.so"),
                "LoadModule authz_core_module " + MODULES.resolve("mod_authz_core.so"),
                "LoadModule authz_host_module " + MODULES.resolve("mod_authz_host.so"),
                "LoadModule mime_module " + MODULES.resolve("mod_mime.so"),
                "LoadModule dir_module " + MODULES.resolve("mod_dir.so"),
                "LoadModule status_module " + MODULES.resolve("mod_status.so"),
                "LoadModule evasive20_module " + MODULES.resolve("mod_evasive20.so"),
                "LoadModule php_module " + phpModule(),
                "StartServers 5",
                "MinSpareServers 5",
                "MaxSpareServers 10",
                "MaxRequestWorkers 40",
                "TypesConfig /etc/mime.types",
                "DocumentRoot " + root.resolve("htdocs"),
                "DirectoryIndex index.html",
                "<Directory />",
                "    AllowOverride None",
                "</Directory>",
                "<Directory " + root.resolve("htdocs") + ">",
                "    Require all granted",
                "</Directory>",
                "<FilesMatch \\.php$>",
                "    SetHandler application/x-httpd-php",
                "</FilesMatch>",
                "ErrorLog " + root.resolve("logs/error.log"),
                "LogLevel warn",
                "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined",
                "CustomLog " + root.resolve("logs/access.log") + " combined",
                "ExtendedStatus On",
                "<Location /server-status>",
                "    SetHandler server-status",
                "    Require ip 127.0.0.0/8",
                "</Location>",
                "DOSHashTableSize 3097",
                "DOSPageCount " + DOS_PAGE_COUNT,
                "DOSSiteCount " + DOS_SITE_COUNT,
                "DOSPageInterval 1",
                "DOSSiteInterval 1",
                "DOSBlockingPeriod 10",
                "DOSLogDir " + root.resolve("evasive"),
                "php_admin_value mail.log " + root.resolve("logs/mail.log"),
                "php_admin_value sendmail_path \"" + sink + " -t -i\"",
                "");
    }

    private void awaitUp() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.currentTimeMillis() + 20_000;
        String lastAnswer = "no answer";
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("apache2 exited with " + process.exitValue() + ": "
                        + Files.readString(root.resolve("logs/stdout.txt")) + tail(root.resolve("logs/error.log")));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(statusUrl())).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode();
            } catch (IOException notYet) {
                lastAnswer = notYet.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("apache2 did not answer 200 on " + statusUrl() + " within 20 s (" + lastAnswer + ")"
                + tail(root.resolve("logs/error.log")));
    }

    private static String tail(Path file) throws IOException {
        return Files.exists(file) ? "\n" + Files.readString(file) : "";
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue());
        }
    }

    int port() {
        return port;
    }

    /** A URL on this server; curl's globs ({@code [1-100]}) may be in it. */
    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String statusUrl() {
        return url("/server-status");
    }

    Path docroot() {
        return root.resolve("htdocs");
    }

    Path log(String name) {
        return root.resolve("logs").resolve(name);
    }

    Path dosLogDir() {
        return root.resolve("evasive");
    }

    Path sendmailSink() {
        return root.resolve("sendmail-sink");
    }

    /** Stops the Apache this started (its parent process, by PID; the parent takes its children with it). */
    @Override
    public void close() throws Exception {
        long pid = process.pid();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy(); // SIGTERM: Apache's parent stops its children and exits
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            throw new IllegalStateException("apache2 " + pid + " did not stop");
        }
    }
}
