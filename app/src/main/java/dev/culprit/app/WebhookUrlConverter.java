package dev.culprit.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code --webhook URL}: an http or https URL with a host, checked at start. Anything else
 * would be accepted here and fail on the first alert, which is the one the operator wanted.
 */
final class WebhookUrlConverter implements CommandLine.ITypeConverter<URI> {

    @Override
    public URI convert(String value) {
        URI url;
        try {
            url = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw refused(value, "not a URL (" + e.getReason() + ")");
        }
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw refused(value, "not a URL");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(value, "the scheme is " + scheme + ":");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw refused(value, "no host");
        }
        return url;
    }

    private static CommandLine.TypeConversionException refused(String value, String why) {
        return new CommandLine.TypeConversionException("'" + TerminalText.printable(value) + "': " + why
                + "; expected an http:// or https:// URL with a host, e.g. https://alerts.example.org/hook");
    }
}
