package io.epollhub.server;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;

/**
 * Lets every flag be set from the environment, for containers: {@code --http-port} reads
 * {@code EPOLLHUB_HTTP_PORT}. A flag on the command line still wins.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "EPOLLHUB_";

    private final Map<String, String> environment;

    EnvironmentDefaults() {
        this(System.getenv());
    }

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    static String variableFor(String longOption) {
        return PREFIX + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option && option.longestName().startsWith("--") && !option.usageHelp()
                && !option.versionHelp()) {
            String value = environment.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
