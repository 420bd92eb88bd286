package io.epollhub.server;

/** A setting that is {@code on} or {@code off}, as flags, variables and config files all spell it. */
public enum Switch {
    ON, OFF;

    boolean isOn() {
        return this == ON;
    }
}
