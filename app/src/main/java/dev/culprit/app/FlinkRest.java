package dev.culprit.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Flink cluster's REST API as {@code culprit submit} and {@code culprit cluster status} use it:
 * mutual TLS with the data directory's key ({@link LocalFlink}), so this client is let in and no
 * one without the key is. The calls are the documented ones of Flink's REST API
 * ({@code /overview}, {@code /jars/upload}, {@code /jars/:id/run}, {@code /jobs/overview}).
 */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_WITHIN = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;

    FlinkRest(URI base, LocalFlink.Keystore keystore) {
        this.base = base;
        this.http = HttpClient.newBuilder().sslContext(sslContext(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI base() {
        return base;
    }

    /** GET {@code path}: its JSON, or an IOException naming the call and Flink's answer. */
    JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_WITHIN).GET().build(), path);
    }

    /** Uploads a job jar; returns the id Flink gives it. */
    String uploadJar(Path jar) throws IOException {
        String boundary = "culprit-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve("/jars/upload")).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), "/jars/upload");
        String file = answer.path("filename").asText(""); // the path on the JobManager; the id is its last part
        if (file.isEmpty()) {
            throw new IOException("Flink at " + base + " took the jar but named no file: " + answer);
        }
        return Path.of(file).getFileName().toString();
    }

    /** Runs an uploaded jar's main with {@code arguments}; returns the job's id. */
    String run(String jarId, List<String> arguments, int parallelism) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.set("programArgsList", JSON.valueToTree(arguments));
        request.put("parallelism", parallelism);
        String path = "/jars/" + jarId + "/run";
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), path);
        String job = answer.path("jobid").asText("");
        if (job.isEmpty()) {
            throw new IOException("Flink at " + base + " started no job: " + answer);
        }
        return job;
    }

    private JsonNode send(HttpRequest request, String what) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted calling Flink's " + what, e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readAllBytes();
        }
        if (response.statusCode() / 100 != 2) {
            // Flink answers errors as {"errors": [...]}; the first holds the cause (a job main's exception among them)
            String said = new String(body, StandardCharsets.UTF_8);
            try {
                JsonNode errors = JSON.readTree(body).path("errors");
                if (errors.isArray() && !errors.isEmpty()) {
                    said = errors.get(0).asText();
                }
            } catch (IOException e) {
                // not JSON: said as it came
            }
            throw new IOException("Flink's " + what + " answered " + response.statusCode() + ": " + said);
        }
        return JSON.readTree(body);
    }

    private static SSLContext sslContext(LocalFlink.Keystore keystore) {
        try (InputStream in = Files.newInputStream(keystore.file())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            char[] password = keystore.password().toCharArray();
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the Flink key " + keystore.file() + ": " + e.getMessage(), e);
        }
    }
}
