package dev.culprit.collectors.apache;

import java.util.Optional;

/**
 * A worker slot's state as mod_status draws it, one character per slot. The names are Apache's
 * own "Scoreboard Key" words, shortened; they are the keys of {@code ApacheStatus.scoreboard}.
 */
public enum ScoreboardState {
    WAITING('_', "waiting"),
    STARTING('S', "starting"),
    READING('R', "reading"),
    SENDING('W', "sending"),
    KEEPALIVE('K', "keepalive"),
    DNS('D', "dns"),
    CLOSING('C', "closing"),
    LOGGING('L', "logging"),
    GRACEFUL('G', "graceful"),
    IDLE_CLEANUP('I', "idle_cleanup"),
    OPEN_SLOT('.', "open_slot");

    private final char symbol;
    private final String label;

    ScoreboardState(char symbol, String label) {
        this.symbol = symbol;
        this.label = label;
    }

    /** The key this state has in an event's scoreboard map. */
    public String label() {
        return label;
    }

    public static Optional<ScoreboardState> ofSymbol(char symbol) {
        for (ScoreboardState state : values()) {
            if (state.symbol == symbol) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
