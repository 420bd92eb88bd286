package io.epollhub.server;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;

/**
 * Where a flag not given on the command line takes its value from: the environment first, for containers
 * ({@code --http-port} reads {@code EPOLLHUB_HTTP_PORT}), then the config file ({@code http-port}), then the
 * flag's own default. So: flags > environment > file > defaults.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "EPOLLHUB_";

    private final Map<String, String> environment;
    private final Map<String, String> file;
    private final String fileName;

    EnvironmentDefaults() {
        this(System.getenv());
    }

    EnvironmentDefaults(Map<String, String> environment) {
        this(environment, Map.of(), null);
    }

    EnvironmentDefaults(Map<String, String> environment, Map<String, String> file, String fileName) {
        this.environment = environment;
        this.file = file;
        this.fileName = fileName;
    }

    /** The name an option is declared with first: {@code --files-dir}, not its alias {@code --directory}. */
    static String primaryName(OptionSpec option) {
        return option.names()[0];
    }

    static String variableFor(String longOption) {
        return PREFIX + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Where {@link #defaultValue} found {@code option}'s value: {@code EPOLLHUB_HTTP_PORT}, {@code http-port in config
     * file epollhub.yaml}, or {@code null} for the flag's own default. An error about a value the user never typed
     * names its source.
     */
    String source(OptionSpec option) {
        String name = primaryName(option);
        String value = environment.get(variableFor(name));
        if (value != null && !value.isBlank()) {
            return variableFor(name);
        }
        String key = name.substring(2);
        String fromFile = file.get(key);
        return fromFile != null && !fromFile.isBlank() ? key + " in config file " + fileName : null;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option && primaryName(option).startsWith("--") && !option.usageHelp()
                && !option.versionHelp()) {
            String value = environment.get(variableFor(primaryName(option)));
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
            String fromFile = file.get(primaryName(option).substring(2));
            if (fromFile != null && !fromFile.isBlank()) {
                return fromFile;
            }
        }
        return null;
    }
}
