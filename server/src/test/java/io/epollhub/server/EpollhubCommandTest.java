package io.epollhub.server;

import io.epollhub.chat.ChatSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flags and environment variables to a {@link ServerConfig}, and every way to get one wrong. */
class EpollhubCommandTest {

    private static ServerConfig parse(Map<String, String> env, String... args) {
        EpollhubCommand command = new EpollhubCommand();
        EpollhubCommand.commandLine(command).setDefaultValueProvider(new EnvironmentDefaults(env)).parseArgs(args);
        return command.config();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(ServerConfig.defaults(), parse(Map.of()));
    }

    @Test
    void flagsSetEverySetting() {
        ServerConfig config = parse(Map.of(), "--host", "127.0.0.1", "--http-port", "1", "--chat-port", "2",
                "--boss-threads", "2", "--worker-threads", "3", "--transport", "NIO", "--epoll-mode", "level",
                "--reuse-port", "--shutdown-timeout", "250ms", "--chat-max-line", "100", "--chat-max-clients", "7",
                "--chat-max-pending", "64KiB", "--chat-idle-timeout", "1m", "--chat-rate", "2.5");
        assertEquals(new ServerConfig("127.0.0.1", 1, 2, 2, 3, TransportChoice.NIO, TriggerMode.LEVEL, true,
                Duration.ofMillis(250), HttpConfig.DEFAULTS, new ChatSettings(100, 7, 65536, Duration.ofMinutes(1), 2.5),
                TlsConfig.DISABLED), config);
    }

    @Test
    void environmentSetsWhatFlagsDoNot() {
        Map<String, String> env = Map.of("EPOLLHUB_HTTP_PORT", "8081", "EPOLLHUB_CHAT_PORT", "9001",
                "EPOLLHUB_TRANSPORT", "nio", "EPOLLHUB_SHUTDOWN_TIMEOUT", "2s");
        ServerConfig config = parse(env, "--chat-port", "9002");
        assertEquals(8081, config.httpPort());
        assertEquals(9002, config.chatPort(), "a flag wins over the environment");
        assertEquals(TransportChoice.NIO, config.transport());
        assertEquals(Duration.ofSeconds(2), config.shutdownTimeout());
    }

    @ParameterizedTest
    @CsvSource({"--http-port, EPOLLHUB_HTTP_PORT", "--log-level, EPOLLHUB_LOG_LEVEL",
            "--chat-max-line, EPOLLHUB_CHAT_MAX_LINE"})
    void variableNamesFollowFlags(String flag, String variable) {
        assertEquals(variable, EnvironmentDefaults.variableFor(flag));
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(new String[] {"--http-port", "70000"}, "invalid http port 70000 (must be 0-65535, or off)"),
                Arguments.of(new String[] {"--chat-port", "-2"}, "invalid chat port -2 (must be 0-65535, or off)"),
                Arguments.of(new String[] {"--tls-self-signed", "on", "--https-port", "8080"},
                        "http and https ports must differ (both are 8080)"),
                Arguments.of(new String[] {"--tls-cert", "/tmp/c.pem"}, "tls needs both a certificate and a key (tls-cert and tls-key)"),
                Arguments.of(new String[] {"--http-port", "9000"}, "http and chat ports must differ (both are 9000)"),
                Arguments.of(new String[] {"--boss-threads", "0"}, "invalid boss threads 0 (must be 1-1024)"),
                Arguments.of(new String[] {"--boss-threads", "1025"}, "invalid boss threads 1025 (must be 1-1024)"),
                Arguments.of(new String[] {"--worker-threads", "5000"},
                        "invalid worker threads 5000 (must be 1-1024, or 0 for one per core)"),
                Arguments.of(new String[] {"--worker-threads", "-2"},
                        "invalid worker threads -2 (must be 1-1024, or 0 for one per core)"),
                Arguments.of(new String[] {"--chat-max-line", "0"}, "invalid chat max line 0 (must be 1-1048576 bytes)"),
                Arguments.of(new String[] {"--host", "no-such-host.invalid"}, "unknown host 'no-such-host.invalid'"),
                Arguments.of(new String[] {"--chat-max-clients", "0"}, "invalid chat max clients 0 (must be at least 1)"),
                Arguments.of(new String[] {"--chat-max-pending", "10"}, "invalid chat max pending 10 (must be 1KiB-2GiB)"),
                Arguments.of(new String[] {"--chat-max-pending", "4GiB"}, "invalid chat max pending 4294967296 (must be 1KiB-2GiB)"),
                Arguments.of(new String[] {"--chat-rate", "-1"}, "invalid chat rate -1.0 (must be 0 for unlimited, or more)"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void badConfigurationIsOneClearMessage(String[] args, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), args));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--htp-port 1 | epollhub: Unknown option: '--htp-port', did you mean --http-port? (see --help)",
            "--http-prot=1 | epollhub: Unknown option: '--http-prot=1', did you mean --http-port? (see --help)",
            "--zzz 1 2 | epollhub: Unknown option: '--zzz' (see --help)"})
    void anUnknownOptionIsNamedAloneWithTheNearestRealOne(String args, String expected) {
        StringWriter err = new StringWriter();
        assertEquals(2, EpollhubCommand.run(new PrintWriter(err), args.split(" ")));
        assertEquals(expected + System.lineSeparator(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--bogus | epollhub: Unknown option: '--bogus', did you mean --boss-threads? (see --help)",
            "--http-port=abc | epollhub: Invalid value for option '--http-port': 'abc' is not a port (a number, 0 for any, or off) (see --help)",
            "--transport=kqueue | epollhub: Invalid value for option '--transport': expected one of [AUTO, EPOLL, NIO] (case-insensitive) but was 'kqueue' (see --help)",
            "--shutdown-timeout=soon | epollhub: Invalid value for option '--shutdown-timeout': 'soon' is not a duration (e.g. 500ms, 5s, 1m) (see --help)",
            "--shutdown-timeout=999999999m | epollhub: Invalid value for option '--shutdown-timeout': '999999999m' is too long (at most 43200m, 30 days) (see --help)",
            "--idle-timeout=43201m | epollhub: Invalid value for option '--idle-timeout': '43201m' is too long (at most 43200m, 30 days) (see --help)",
            "--max-body=17179869184G | epollhub: Invalid value for option '--max-body': '17179869184G' is too large (see --help)",
            "--max-body=9223372036854775808 | epollhub: Invalid value for option '--max-body': '9223372036854775808' is too large (see --help)",
            "--log-level=loud | epollhub: invalid log level 'loud' (one of trace, debug, info, warn, error, off)",
            "--http-port=9000 | epollhub: http and chat ports must differ (both are 9000)"})
    void badFlagsExitTwoWithOneLine(String arg, String expected) {
        StringWriter err = new StringWriter();
        int status = EpollhubCommand.run(new PrintWriter(err), arg);
        assertEquals(2, status);
        assertEquals(expected + System.lineSeparator(), err.toString());
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "5, PT5S", "2m, PT2M", "0, PT0S", "43200m, PT720H"})
    void durations(String text, Duration expected) {
        assertEquals(expected, new DurationConverter().convert(text));
    }

    @ParameterizedTest
    @CsvSource({"4096, 4096", "512KiB, 524288", "1MiB, 1048576", "1m, 1048576", "2G, 2147483648", "64 kb, 65536", "8589934591G, 9223372035781033984",
            "1099511627776, 1099511627776", "9223372036854775807, 9223372036854775807"})
    void sizes(String text, long expected) {
        assertEquals(expected, new ByteSizeConverter().convert(text));
    }

    @ParameterizedTest
    @CsvSource({"1KiB, 1024", "2GiB, 2147483647"})
    void chatMaxPendingTakesBothEndsOfItsRange(String flag, int expected) {
        assertEquals(expected, parse(Map.of(), "--chat-max-pending", flag).chat().maxPendingBytes());
    }

    @Test
    void filesDirAliasAndItsVariable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertEquals(dir.toAbsolutePath(), parse(Map.of("EPOLLHUB_FILES_DIR", dir.toString())).http().filesDir());
        assertEquals(dir.toAbsolutePath(), parse(Map.of(), "--directory", dir.toString()).http().filesDir());
    }

    /** Runs the command line as main does, with {@code env} as the environment; returns status, stdout, stderr. */
    private static String[] runCli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = EpollhubCommand.run(new PrintWriter(out), new PrintWriter(err), env, args);
        return new String[] {String.valueOf(status), out.toString(), err.toString()};
    }

    @Test
    void precedenceIsFlagsThenEnvironmentThenFileThenDefaults(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path yaml = java.nio.file.Files.writeString(dir.resolve("epollhub.yaml"),
                "http-port: 8181\nchat-port: 9292\nchat:\n  max-line: 100\n  rate: 2.5\n");
        String[] result = runCli(Map.of("EPOLLHUB_CHAT_PORT", "9191"), "--config", yaml.toString(), "--chat-rate", "3",
                "--print-config");
        assertEquals("0", result[0], result[2]);
        String printed = result[1];
        assertTrue(printed.contains("http-port=8181\n"), printed);        // file
        assertTrue(printed.contains("chat-port=9191\n"), printed);        // environment over file
        assertTrue(printed.contains("chat-rate=3.0\n"), printed);         // flag over file
        assertTrue(printed.contains("chat-max-line=100\n"), printed);     // nested YAML
        assertTrue(printed.contains("host=0.0.0.0\n"), printed);          // default
        assertTrue(printed.contains("shutdown-timeout=5s\n"), printed);
        assertTrue(printed.contains("transport=auto\n"), printed);
    }

    @Test
    void yamlSaysOnAndOffBare(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path yaml = java.nio.file.Files.writeString(dir.resolve("epollhub.yaml"),
                "metrics: off\nreuse-port: on\nchat-port: off\ntls-self-signed: no\n");
        String[] result = runCli(Map.of(), "--config", yaml.toString(), "--print-config");
        assertEquals("0", result[0], result[2]);
        assertTrue(result[1].contains("metrics=off\n"), result[1]);
        assertTrue(result[1].contains("reuse-port=on\n"), result[1]);
        assertTrue(result[1].contains("chat-port=off\n"), result[1]);
        assertTrue(result[1].contains("tls-self-signed=off\n"), result[1]);
    }

    @Test
    void propertiesFilesAndTheConfigVariable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path properties = java.nio.file.Files.writeString(dir.resolve("epollhub.properties"),
                "# comment\nhttp-port = 8282\nmetrics=off\n");
        String[] result = runCli(Map.of("EPOLLHUB_CONFIG", properties.toString()), "--print-config");
        assertEquals("0", result[0], result[2]);
        assertTrue(result[1].contains("http-port=8282\n"), result[1]);
        assertTrue(result[1].contains("metrics=off\n"), result[1]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "typo.yaml | htp-port: 1 | epollhub: unknown setting 'htp-port' in config file ",
            "list.yaml | host: [a, b] | epollhub: config file ",
            "broken.yaml | 'a: [1' | epollhub: config file ",
            "bad.properties | http-port=abc | epollhub: Invalid value for option '--http-port': 'abc' is not a port (a number, 0 for any, or off) (from http-port in config file "})
    void badConfigFilesExitTwo(String name, String content, String message,
                               @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve(name), content + "\n");
        String[] result = runCli(Map.of(), "--config", file.toString());
        assertEquals("2", result[0]);
        assertTrue(result[2].startsWith(message), result[2]);
        assertEquals(1, result[2].lines().count(), "one line: " + result[2]);
    }

    @ParameterizedTest
    @CsvSource({"latin1.yaml", "latin1.properties"})
    void configFilesThatAreNotUtf8AreNamedAsSuch(String name, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve(name),
                "host=caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String[] result = runCli(Map.of(), "--config", file.toString());
        assertEquals("2", result[0]);
        assertEquals("epollhub: config file " + file + " is not UTF-8 text\n", result[2]);
    }

    @Test
    void aDirectoryAsConfigFileExitsTwo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String[] result = runCli(Map.of(), "--config", dir.toString());
        assertEquals("2", result[0]);
        assertEquals("epollhub: config file " + dir + " is a directory\n", result[2]);
    }

    @Test
    void aBadValueFromTheEnvironmentNamesItsVariable() {
        String[] result = runCli(Map.of("EPOLLHUB_SHUTDOWN_TIMEOUT", "soon"));
        assertEquals("2", result[0]);
        assertEquals("epollhub: Invalid value for option '--shutdown-timeout': 'soon' is not a duration (e.g. 500ms, 5s, 1m)"
                + " (from EPOLLHUB_SHUTDOWN_TIMEOUT) (see --help)\n", result[2]);
        result = runCli(Map.of("EPOLLHUB_SHUTDOWN_TIMEOUT", "soon"), "--shutdown-timeout=later");
        assertEquals("epollhub: Invalid value for option '--shutdown-timeout': 'later' is not a duration (e.g. 500ms, 5s, 1m)"
                + " (see --help)\n", result[2], "a flag given names no other source");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EPOLLHUB_CHAT_MAX_PENDING | 0 | --chat-max-pending | invalid chat max pending 0 (must be 1KiB-2GiB)",
            "EPOLLHUB_HTTP_PORT | 70000 | --http-port | invalid http port 70000 (must be 0-65535, or off)",
            "EPOLLHUB_BOSS_THREADS | 0 | --boss-threads | invalid boss threads 0 (must be 1-1024)"})
    void aValueOutOfRangeFromTheEnvironmentNamesItsVariable(String variable, String value, String flag, String message) {
        String[] result = runCli(Map.of(variable, value));
        assertEquals("2", result[0]);
        assertEquals("epollhub: " + message + " (from " + variable + ")\n", result[2]);
        result = runCli(Map.of(variable, "1"), flag, value);
        assertEquals("epollhub: " + message + "\n", result[2], "a flag given names no other source");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "epollhub.yaml | 'chat:\n  max-pending: 10' | invalid chat max pending 10 (must be 1KiB-2GiB) (from chat-max-pending",
            "epollhub.properties | chat-port=65536 | invalid chat port 65536 (must be 0-65535, or off) (from chat-port"})
    void aValueOutOfRangeFromTheConfigFileNamesTheFileAndKey(String name, String content, String message,
                                                             @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve(name), content + "\n");
        String[] result = runCli(Map.of(), "--config", file.toString());
        assertEquals("2", result[0]);
        assertEquals("epollhub: " + message + " in config file " + file + ")\n", result[2]);
    }

    @Test
    void anErrorAboutTwoValuesNamesTheSourceOfEachNotTyped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String[] result = runCli(Map.of("EPOLLHUB_CHAT_PORT", "8080"));
        assertEquals("2", result[0]);
        assertEquals("epollhub: http and chat ports must differ (both are 8080) (from EPOLLHUB_CHAT_PORT)\n", result[2]);

        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("epollhub.properties"), "chat-port=7000\n");
        result = runCli(Map.of("EPOLLHUB_HTTP_PORT", "7000"), "--config", file.toString());
        assertEquals("epollhub: http and chat ports must differ (both are 7000) (from EPOLLHUB_HTTP_PORT, chat-port in"
                + " config file " + file + ")\n", result[2]);

        result = runCli(Map.of("EPOLLHUB_HTTP_PORT", "7000"), "--chat-port", "7000");
        assertEquals("epollhub: http and chat ports must differ (both are 7000) (from EPOLLHUB_HTTP_PORT)\n", result[2],
                "the typed one is not named");

        result = runCli(Map.of("EPOLLHUB_TLS_KEY", "/tmp/k.pem"));
        assertEquals("epollhub: tls needs both a certificate and a key (tls-cert and tls-key) (from EPOLLHUB_TLS_KEY)\n",
                result[2]);
    }

    @Test
    void aPortInUseFromTheEnvironmentNamesItsVariable() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String[] result = runCli(Map.of("EPOLLHUB_HTTP_PORT", String.valueOf(taken.getLocalPort())),
                    "--host", "127.0.0.1", "--chat-port", "0", "--metrics", "off");
            assertEquals("2", result[0], result[2]);
            assertEquals("epollhub: http port " + taken.getLocalPort() + " is already in use (from EPOLLHUB_HTTP_PORT)\n",
                    result[2]);
        }
    }

    @Test
    void missingConfigFileExitsTwo() {
        String[] result = runCli(Map.of(), "--config", "/no/such/epollhub.yaml");
        assertEquals("2", result[0]);
        assertEquals("epollhub: config file /no/such/epollhub.yaml does not exist\n", result[2]);
    }

    @Test
    void switchesTakeOnOffOrNothing() {
        assertTrue(parse(Map.of(), "--tls-self-signed").tls().selfSigned());
        assertEquals(false, parse(Map.of(), "--metrics", "off").http().metrics());
        assertEquals(false, parse(Map.of(), "--metrics=off").http().metrics());
        assertTrue(parse(Map.of(), "--metrics").http().metrics());
    }

    @Test
    void portsCanBeTurnedOff() {
        ServerConfig config = parse(Map.of("EPOLLHUB_CHAT_PORT", "off"), "--http-port", "OFF");
        assertEquals(ServerConfig.OFF, config.httpPort());
        assertEquals(ServerConfig.OFF, config.chatPort());
    }

    @Test
    void helpNamesTheEnvironmentVariables() {
        StringWriter out = new StringWriter();
        EpollhubCommand.commandLine(new EpollhubCommand()).setOut(new PrintWriter(out)).execute("--help");
        assertTrue(out.toString().contains("EPOLLHUB_HTTP_PORT"), out.toString());
    }
}
