package dev.culprit.broker;

/** The in-process broker hit a fatal fault and would have halted the JVM. */
public class BrokerFaultException extends RuntimeException {

    public BrokerFaultException(String message) {
        super(message);
    }
}
