package io.epollhub.server;

import io.epollhub.text.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code 500ms}, {@code 5s}, {@code 2m}, or a bare number of seconds; at most {@link #MAX}. */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?");
    /** Far beyond any sensible timeout, and far inside what the timers' nanosecond arithmetic can hold. */
    static final Duration MAX = Duration.ofDays(30);

    /** The other way: {@code 500ms}, {@code 5s}, {@code 2m}, as the flags take it. */
    static String format(Duration d) {
        return Durations.format(d);
    }

    @Override
    public Duration convert(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 5s, 1m)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration duration = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.compareTo(MAX) > 0) {
            throw new TypeConversionException("'" + value + "' is too long (at most " + format(MAX) + ", 30 days)");
        }
        return duration;
    }
}
