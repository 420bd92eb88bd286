package io.epollhub.server;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code --config FILE}: the same settings as the flags, named as the flags without their dashes. A
 * {@code .properties} file ({@code http-port=8080}) or YAML, flat ({@code http-port: 8080}) or nested
 * ({@code chat: {max-line: 4096}} is {@code chat-max-line}).
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /** The file's settings by flag name (without {@code --}); a {@link ConfigException} when unreadable. */
    static Map<String, String> load(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException("config file " + file + " is a directory");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String name = file.getFileName().toString();
            if (name.endsWith(".properties")) {
                Properties properties = new Properties();
                properties.load(reader);
                Map<String, String> settings = new LinkedHashMap<>();
                properties.stringPropertyNames().forEach(key -> settings.put(key.trim(), properties.getProperty(key).trim()));
                return settings;
            }
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, String> settings = new LinkedHashMap<>();
            if (document != null) {
                if (!(document instanceof Map<?, ?> map)) {
                    throw new ConfigException("config file " + file + " is not a map of settings");
                }
                flatten("", map, settings, file);
            }
            return settings;
        } catch (IOException e) {
            throw ConfigException.cannotRead("config file", file, e);
        } catch (YAMLException e) {
            if (e.getCause() instanceof IOException cause) { // SnakeYAML wraps what its reader throws
                throw ConfigException.cannotRead("config file", file, cause);
            }
            throw new ConfigException("config file " + file + " is not valid: " + e.getMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config file " + file + " is not valid: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into, Path file) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + "-", nested, into, file);
            } else if (value instanceof List<?>) {
                throw new ConfigException("config file " + file + ": " + key + " takes one value, not a list");
            } else if (value instanceof Boolean on) {
                into.put(key, on ? "on" : "off"); // YAML 1.1 reads a bare on, off, yes or no as a boolean
            } else {
                into.put(key, value == null ? "" : String.valueOf(value));
            }
        }
    }
}
