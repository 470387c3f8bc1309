package dev.culprit.storage;

/**
 * Every server H2 opens in this JVM (the {@code AUTO_SERVER} that lets other processes share a
 * database file, a TCP server) listens on 127.0.0.1 only, unless the operator starts Culprit with
 * an explicit {@code -Dh2.bindAddress=ADDRESS}. H2 reads that setting once, when its settings class
 * loads, so this class sets it before anything of Culprit's touches H2, and refuses to connect if
 * H2 was loaded earlier without it: its servers would listen on every interface.
 */
public final class H2Loopback {

    private static final String BIND_ADDRESS = "h2.bindAddress";

    static {
        if (System.getProperty(BIND_ADDRESS) == null) {
            System.setProperty(BIND_ADDRESS, "127.0.0.1");
        }
    }

    private H2Loopback() {}

    /** Throws unless H2's servers in this JVM bind to one chosen address. */
    public static void check() {
        String bound = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bound == null || bound.isEmpty()) {
            throw new IllegalStateException("H2 was loaded before Culprit could bind it to 127.0.0.1; its servers would listen "
                    + "on every interface. Start the JVM with -D" + BIND_ADDRESS + "=127.0.0.1");
        }
    }
}
