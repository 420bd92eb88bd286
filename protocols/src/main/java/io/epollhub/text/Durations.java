package io.epollhub.text;

import java.time.Duration;

/** Durations the way epollhub's flags spell them: {@code 500ms}, {@code 5s}, {@code 2m}. */
public final class Durations {

    private Durations() {
    }

    public static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return d.toSeconds() % 60 == 0 && d.toSeconds() > 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }
}
