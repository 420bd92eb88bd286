package io.epollhub.server;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** A port number, {@code 0} for any free port, or {@code off} for no listener at all. */
final class PortConverter implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        String port = value.trim().toLowerCase(Locale.ROOT);
        if (port.equals("off")) {
            return ServerConfig.OFF;
        }
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a port (a number, 0 for any, or off)");
        }
    }
}
