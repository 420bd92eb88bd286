package io.epollhub.server;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** {@code on}/{@code off} (also true/false, yes/no, 1/0) for switches that take a value, as env vars must. */
final class OnOffConverter implements ITypeConverter<Boolean> {

    @Override
    public Boolean convert(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw new TypeConversionException("'" + value + "' is not on or off");
        };
    }
}
