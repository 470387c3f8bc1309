package dev.culprit.collectors.access;

/**
 * One request as an Apache access-log line recorded it. Text fields are as Apache escaped them
 * ({@code \"}, {@code \\}, {@code \xhh}), hold no control character and are capped in length.
 *
 * @param client the client's address, normalised, or its host name ({@code clientIsHostname})
 *     when Apache resolved it ({@code %h} with {@code HostnameLookups On})
 * @param vhost the answering virtual host ({@code %v}), or null when the format has none
 * @param ts when Apache received the request (epoch millis), from the line's own time
 * @param method null when the request line is {@code -} or its first word is no HTTP method
 * @param path the request target with its query string, null with no request line
 * @param bytes as the format logged them ({@code %O}, else {@code %B}, else {@code %b});
 *     0 for {@code -} or when the format logs no byte count
 */
public record AccessLogLine(
        String client, boolean clientIsHostname, String vhost, long ts,
        String method, String path, int status, long bytes) {}
