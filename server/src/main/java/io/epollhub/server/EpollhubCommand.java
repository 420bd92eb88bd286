package io.epollhub.server;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** The {@code epollhub} command line: flags (or {@code EPOLLHUB_*} variables) to a {@link ServerConfig}, then run. */
@Command(name = "epollhub",
        mixinStandardHelpOptions = true,
        versionProvider = EpollhubCommand.Version.class,
        defaultValueProvider = EnvironmentDefaults.class,
        subcommands = ChatClientCommand.class,
        sortOptions = false,
        showDefaultValues = true,
        description = "An HTTP service and a line-based broadcast chat on Netty's edge-triggered epoll transport.",
        footer = {"",
                "Every option can also be set by an environment variable named after it:",
                "  --http-port by EPOLLHUB_HTTP_PORT, --log-level by EPOLLHUB_LOG_LEVEL, ...",
                "A flag on the command line wins over the environment.",
                "",
                "Exit status: 0 after a clean shutdown, 2 for bad configuration,",
                "1 for an unexpected failure."})
public final class EpollhubCommand implements Callable<Integer> {

    static final int EXIT_CONFIG = 2;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from this .properties or YAML file (keys are the flag names: http-port=8080).")
    private Path configFile;

    @Option(names = "--print-config", description = "Print the effective configuration (secrets redacted) and exit.")
    private boolean printConfig;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "Address both services listen on.")
    private String host;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080", converter = PortConverter.class,
            description = "HTTP port (0: any free port, shown in the start log line; off: none).")
    private int httpPort;

    @Option(names = "--chat-port", paramLabel = "PORT", defaultValue = "9000", converter = PortConverter.class,
            description = "Chat port (0: any free port; off: none).")
    private int chatPort;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (PEM); turns TLS on with --tls-key.")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key (PEM, PKCS#8, unencrypted).")
    private Path tlsKey;

    @Option(names = "--tls-self-signed", paramLabel = "on|off", defaultValue = "off", arity = "0..1", fallbackValue = "on",
            description = "TLS with a throwaway self-signed certificate for localhost: local trials only.")
    private Switch tlsSelfSigned;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "8443", converter = PortConverter.class,
            description = "HTTPS port when TLS is on (0: any free port; off: none).")
    private int httpsPort;

    @Option(names = "--chat-tls-port", paramLabel = "PORT", defaultValue = "9443", converter = PortConverter.class,
            description = "Chat-over-TLS port when TLS is on (0: any free port; off: none).")
    private int chatTlsPort;

    @Option(names = "--boss-threads", paramLabel = "N", defaultValue = "1",
            description = "Event loops accepting connections (unused with --reuse-port).")
    private int bossThreads;

    @Option(names = "--worker-threads", paramLabel = "N", defaultValue = "0",
            description = "Event loops serving connections (0: one per core).")
    private int workerThreads;

    @Option(names = "--transport", paramLabel = "auto|epoll|nio", defaultValue = "auto",
            description = "auto: epoll when its native library loads, else NIO with a warning.")
    private TransportChoice transport;

    @Option(names = "--epoll-mode", paramLabel = "edge|level", defaultValue = "edge",
            description = "Epoll readiness mode for every channel.")
    private TriggerMode epollMode;

    @Option(names = "--reuse-port", paramLabel = "on|off", defaultValue = "off", arity = "0..1", fallbackValue = "on",
            description = "Each worker event loop listens on its own SO_REUSEPORT socket and accepts its own connections"
                    + " (epoll only): no hand-off from the boss per connection.")
    private Switch reusePort;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn, error or off.")
    private String logLevel;

    @Option(names = "--access-log", paramLabel = "FILE|-",
            description = "Write one combined-log-format line per HTTP request to FILE, or - for standard output (off when not given).")
    private String accessLog;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Longest graceful shutdown on SIGTERM/SIGINT (e.g. 500ms, 5s); a second signal ends it at once.")
    private Duration shutdownTimeout;

    @Option(names = "--static-dir", paramLabel = "DIR",
            description = "Serve this directory under /static/ (default: ./public when it exists, else off).")
    private Path staticDir;

    @Option(names = {"--files-dir", "--directory"}, paramLabel = "DIR",
            description = "Root of the /files/ REST API (off when not given).")
    private Path filesDir;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "64MiB", converter = ByteSizeConverter.class,
            description = "Largest request body; larger gets 413.")
    private long maxBody;

    @Option(names = "--blocking-threads", paramLabel = "N", defaultValue = "16",
            description = "Threads for file-system calls (never run on an event loop).")
    private int blockingThreads;

    @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Close connections whose request head is not complete in this time (0: never).")
    private Duration headerTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Close HTTP connections idle this long: no request, a stalled body, or an answer not read (0: never).")
    private Duration idleTimeout;

    @Option(names = "--metrics", paramLabel = "on|off", defaultValue = "on", arity = "0..1", fallbackValue = "on",
            description = "Serve Prometheus metrics at GET /metrics.")
    private Switch metrics;

    @Option(names = "--chat-max-line", paramLabel = "BYTES", defaultValue = "4096",
            description = "Longest chat line; longer ones are refused and discarded.")
    private int chatMaxLine;

    @Option(names = "--chat-max-clients", paramLabel = "N", defaultValue = "10000",
            description = "Chat clients at once; the next is told '! server full'.")
    private int chatMaxClients;

    @Option(names = "--chat-max-pending", paramLabel = "SIZE", defaultValue = "1MiB", converter = ByteSizeConverter.class,
            description = "Unread output a chat client may queue before it is cut as a slow consumer (e.g. 512KiB, 1MiB).")
    private long chatMaxPending;

    @Option(names = "--chat-idle-timeout", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Close chat clients silent this long (0: never).")
    private Duration chatIdleTimeout;

    @Option(names = "--chat-rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Lines per second a chat client may send, burst of one second's worth (0: unlimited).")
    private double chatRate;

    /** Parses {@code args}, runs the server until it is told to stop, and returns the exit status. */
    public static int run(String... args) {
        return run(new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter err, String... args) {
        return run(new PrintWriter(System.out, true), err, System.getenv(), args);
    }

    /**
     * Picocli's message, except for an unknown option: that one alone (not the value after it, which picocli
     * reports as unknown too), and the nearest real option when there is one.
     */
    private static String describe(ParameterException e, EnvironmentDefaults defaults, String[] args) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            List<String> suggestions = unmatched.getSuggestions();
            return "Unknown option: '" + unmatched.getUnmatched().get(0) + "'"
                    + (suggestions.isEmpty() ? "" : ", did you mean " + suggestions.get(0) + "?");
        }
        return e.getMessage()
                + (e.getArgSpec() instanceof OptionSpec option ? fromSource(List.of(option), defaults, args) : "");
    }

    /**
     * Where the values of {@code options} came from, those the user did not type: {@code " (from EPOLLHUB_HTTP_PORT)"},
     * {@code " (from EPOLLHUB_HTTP_PORT, chat-port in config file epollhub.yaml)"}. An error about a value nobody
     * typed names the variable or the file it is in.
     */
    private static String fromSource(List<OptionSpec> options, EnvironmentDefaults defaults, String[] args) {
        StringJoiner sources = new StringJoiner(", ", " (from ", ")").setEmptyValue("");
        for (OptionSpec option : options) {
            if (!given(option, args) && defaults.source(option) != null) {
                sources.add(defaults.source(option));
            }
        }
        return sources.toString();
    }

    private static boolean given(OptionSpec option, String[] args) {
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return true;
                }
            }
        }
        return false;
    }

    static int run(PrintWriter out, PrintWriter err, Map<String, String> environment, String... args) {
        String configPath = configPath(args, environment);
        Map<String, String> fileSettings;
        try {
            fileSettings = loadConfigFile(configPath);
        } catch (ConfigException e) {
            err.println("epollhub: " + e.getMessage());
            return EXIT_CONFIG;
        }
        EnvironmentDefaults defaults = new EnvironmentDefaults(environment, fileSettings, configPath);
        CommandLine cli = commandLine(new EpollhubCommand())
                .setOut(out)
                .setErr(err)
                .setDefaultValueProvider(defaults)
                .setParameterExceptionHandler((e, ignored) -> {
                    e.getCommandLine().getErr().println("epollhub: " + describe(e, defaults, args) + " (see --help)");
                    return EXIT_CONFIG;
                })
                .setExecutionExceptionHandler((e, cmd, ignored) -> {
                    if (e instanceof ConfigException config) {
                        List<OptionSpec> options = config.options().stream()
                                .map(cmd.getCommandSpec()::findOption).filter(Objects::nonNull).toList();
                        cmd.getErr().println("epollhub: " + e.getMessage() + fromSource(options, defaults, args));
                        return EXIT_CONFIG;
                    }
                    throw e;
                });
        return cli.execute(args);
    }

    /** The {@code --config} file named by the flag or its variable, or {@code null}. */
    private static String configPath(String[] args, Map<String, String> environment) {
        String path = environment.get(EnvironmentDefaults.variableFor("--config"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        return path == null || path.isBlank() ? null : path;
    }

    /**
     * The {@code --config} file's settings, read before the flags are parsed because its values are the flags'
     * defaults. Unknown keys are refused, so a typo does not pass silently.
     */
    static Map<String, String> loadConfigFile(String path) {
        if (path == null) {
            return Map.of();
        }
        Map<String, String> settings = ConfigFile.load(Path.of(path));
        Set<String> known = new HashSet<>();
        for (OptionSpec option : commandLine(new EpollhubCommand()).getCommandSpec().options()) {
            known.add(EnvironmentDefaults.primaryName(option).substring(2));
        }
        known.removeAll(List.of("config", "print-config", "help", "version"));
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException("unknown setting '" + key + "' in config file " + path);
            }
        }
        return settings;
    }

    static CommandLine commandLine(EpollhubCommand command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * The settings as parsed, validated; also checks the log level and the access log, so that every mistake is found
     * before binding.
     */
    ServerConfig config() {
        Logging.checkLevel(logLevel);
        Logging.checkAccessLog(accessLog);
        return new ServerConfig(host, httpPort, chatPort, bossThreads, workerThreads, transport, epollMode,
                reusePort.isOn(), shutdownTimeout,
                new HttpConfig(staticDir != null ? staticDir : HttpConfig.defaultStaticDir(), filesDir, maxBody,
                        blockingThreads, headerTimeout, idleTimeout, metrics.isOn()),
                ServerConfig.chatSettings(chatMaxLine, chatMaxClients, chatMaxPending, chatIdleTimeout, chatRate),
                new TlsConfig(tlsCert, tlsKey, tlsSelfSigned.isOn(), httpsPort, chatTlsPort));
    }

    @Override
    public Integer call() {
        ServerConfig config = config();
        if (printConfig) {
            staticDir = config.http().staticDir(); // ./public when it exists: what would be served
            printConfig(spec.commandLine().getOut());
            return 0;
        }
        Logging.start(); // already, when run from main
        Logging.setLevel(logLevel);
        Logging.neverBlock();
        if (accessLog != null && !accessLog.isBlank()) {
            Logging.accessLog(accessLog);
        }
        Termination termination = Termination.ofProcess();
        if (termination.requested()) {
            LoggerFactory.getLogger(EpollhubServer.class).info("epollhub stopped before it started");
            return 0;
        }
        EpollhubServer server = EpollhubServer.start(config);
        if (!termination.serving(server)) {
            server.stop();
        }
        server.stopped().join();
        return 0;
    }

    /** Options whose values never appear in {@code --print-config}. */
    static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "tls-key");

    /** Every setting as {@code name=value}, in the file format {@code --config} reads. */
    private void printConfig(PrintWriter out) {
        for (OptionSpec option : spec.options()) {
            String name = EnvironmentDefaults.primaryName(option).substring(2);
            if (option.usageHelp() || option.versionHelp() || name.equals("config") || name.equals("print-config")) {
                continue;
            }
            Object value = option.getValue();
            String text = value == null ? ""
                    : value instanceof Duration d ? DurationConverter.format(d)
                    : value instanceof Enum<?> e ? e.name().toLowerCase(java.util.Locale.ROOT)
                    : option.converters().length > 0 && option.converters()[0] instanceof PortConverter
                            && value.equals(ServerConfig.OFF) ? "off"
                    : String.valueOf(value);
            if (SECRET_WORDS.stream().anyMatch(name::contains) && !text.isEmpty()) {
                text = "<redacted>";
            }
            out.println(name + "=" + text);
        }
        out.flush();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EpollhubCommand.class.getPackage().getImplementationVersion();
            return new String[] {"epollhub " + (version == null ? "(development build)" : version)};
        }
    }
}
