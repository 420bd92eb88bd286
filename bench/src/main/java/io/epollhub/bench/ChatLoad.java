package io.epollhub.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The broadcast load generator: {@code --clients} connections, {@code --senders} of them publishing stamped
 * messages, the rest receiving; reports delivered messages per second and delivery latency percentiles.
 * The same run against {@code --target redis} measures Redis pub/sub on one channel.
 */
@Command(name = "epollhub-chat-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Broadcast load against epollhub's chat (or Redis pub/sub): throughput and delivery latency.")
public final class ChatLoad implements Callable<Integer> {

    /** How long open connections are waited for to hear from the server before sending starts. */
    private static final int READY_SECONDS = 60;

    @Spec
    CommandSpec spec;

    @Option(names = "--target", defaultValue = "epollhub", description = "epollhub or redis.")
    Target target;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (loopback by default).")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Server port (0: 9000 for epollhub, 6379 for redis).")
    int port;

    @Option(names = "--clients", defaultValue = "100", description = "Connections in all.")
    int clients;

    @Option(names = "--senders", defaultValue = "1", description = "Connections that publish; the rest receive.")
    int senders;

    @Option(names = "--rate", defaultValue = "0", description = "Messages per second per sender (0: as fast as possible).")
    double rate;

    @Option(names = "--size", defaultValue = "64", description = "Message payload bytes (at least the 40-byte stamp).")
    int size;

    @Option(names = "--warmup", defaultValue = "2", description = "Seconds of load before measuring, once every client is connected and the join notices have stopped arriving (a second without one, at most two minutes).")
    int warmupSeconds;

    @Option(names = "--duration", defaultValue = "10", description = "Seconds measured (at most 600).")
    int durationSeconds;

    @Option(names = "--threads", defaultValue = "0", description = "Client event loops (0: one per core).")
    int threads;

    @Option(names = "--server-pid", defaultValue = "0", description = "The local server's process id: its CPU over the measured window is reported (server_cores), read from /proc.")
    long serverPid;

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    static int run(PrintStream out, String... args) {
        return run(out, System.err, args);
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        ChatLoad load = new ChatLoad();
        load.out = out;
        load.err = err;
        return new CommandLine(load).setCaseInsensitiveEnumValuesAllowed(true)
                .setErr(new PrintWriter(err, true)).execute(args);
    }

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (clients < 2 || senders < 1 || senders >= clients || durationSeconds < 1 || durationSeconds > 600
                || warmupSeconds < 0 || rate < 0 || size < 40 || size > 4000) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "need 1 <= senders < clients, 1-600 s duration, size 40-4000, rate >= 0");
        }
        if (serverPid != 0 && !Files.isDirectory(taskDirectory(serverPid))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server-pid " + serverPid + ": no such process");
        }
        int serverPort = port == 0 ? target.defaultPort : port;
        boolean epoll = Epoll.isAvailable();
        int loops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
        LoadStats stats = new LoadStats(group);
        try {
            List<LoadClientHandler> handlers = new ArrayList<>();
            List<ChannelFuture> connects = connect(group, epoll, serverPort, stats, handlers);
            List<Channel> channels = connects.stream().map(ChannelFuture::channel).toList();
            if (!heardFrom(connects, handlers, serverPort)) {
                return 1;
            }
            List<LoadClientHandler> publishers = handlers.subList(0, senders);
            awaitQuiet(stats);
            publishers.forEach(LoadClientHandler::startSending);
            TimeUnit.SECONDS.sleep(warmupSeconds);
            long serverCpu = serverCpuNanos();
            long ownCpu = OWN_PROCESS.getProcessCpuTime();
            stats.startMeasuring();
            long start = System.nanoTime();
            TimeUnit.SECONDS.sleep(durationSeconds);
            LoadStats.Snapshot snapshot = stats.stop();
            double seconds = (System.nanoTime() - start) / 1e9;
            double ownCores = (OWN_PROCESS.getProcessCpuTime() - ownCpu) / 1e9 / seconds;
            double serverCores = (serverCpuNanos() - serverCpu) / 1e9 / seconds;
            publishers.forEach(LoadClientHandler::stopSending);
            long connected = channels.stream().filter(Channel::isActive).count();
            report(snapshot, seconds, connected, ownCores, serverCores);
            return 0;
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Opens every connection, at most 256 at a time, and returns once every attempt is done; none is retried. */
    private List<ChannelFuture> connect(EventLoopGroup group, boolean epoll, int serverPort, LoadStats stats,
                                        List<LoadClientHandler> handlers) throws InterruptedException {
        List<ChannelFuture> connects = new ArrayList<>();
        Semaphore inFlight = new Semaphore(256); // bounded connect burst: the server's backlog is finite
        for (int i = 0; i < clients; i++) {
            boolean sender = i < senders;
            // Redis publishers cannot subscribe; epollhub senders hear each other but are not counted.
            LoadClientHandler handler = new LoadClientHandler(target, stats, sender, !sender, rate, size);
            handlers.add(handler);
            Bootstrap bootstrap = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    });
            inFlight.acquire();
            ChannelFuture future = bootstrap.connect(host, serverPort);
            future.addListener(f -> inFlight.release());
            connects.add(future);
        }
        inFlight.acquire(256);
        return connects;
    }

    /**
     * Says on stderr which connections failed or stayed silent; false (an error) when none opened at all.
     */
    private boolean heardFrom(List<ChannelFuture> connects, List<LoadClientHandler> handlers, int serverPort)
            throws InterruptedException {
        List<Throwable> failures = connects.stream().filter(f -> !f.isSuccess()).map(ChannelFuture::cause).toList();
        int failed = failures.size();
        String first = failed == 0 ? "" : describe(failures.get(0));
        if (failed == clients) {
            err.printf("error: no connection to %s:%d opened (%s)%n", host, serverPort, first);
            return false;
        }
        if (failed > 0) {
            err.printf("warning: %d of %d connections to %s:%d failed (first: %s); measuring with the rest%n",
                    failed, clients, host, serverPort, first);
        }
        int silent = awaitReady(connects, handlers);
        if (silent > 0) {
            err.printf("warning: %d connections heard nothing from the server in %d s (no %s)%n", silent,
                    READY_SECONDS, target == Target.REDIS ? "subscription confirmed" : "welcome");
        }
        return true;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    /**
     * Until every open connection has heard from the server (at most {@value #READY_SECONDS} s); a connection
     * the server closed is not waited for. Returns how many open ones are still silent.
     */
    private static int awaitReady(List<ChannelFuture> connects, List<LoadClientHandler> handlers)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (true) {
            int silent = 0;
            for (int i = 0; i < connects.size(); i++) {
                if (connects.get(i).channel().isActive() && !handlers.get(i).isReady()) {
                    silent++;
                }
            }
            if (silent == 0 || System.nanoTime() >= deadline) {
                return silent;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /**
     * Until a second passes without a notice reaching any client (at most two minutes): each join is announced
     * to the whole room, so n clients joining cost n^2/2 notices, and the window should measure broadcasting to
     * the clients, not their arrival.
     */
    private static void awaitQuiet(LoadStats stats) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        long seen = -1;
        while (stats.receivedBytes() != seen && System.nanoTime() < deadline) {
            seen = stats.receivedBytes();
            TimeUnit.SECONDS.sleep(1);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OWN_PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static Path taskDirectory(long pid) {
        return Path.of("/proc", Long.toString(pid), "task");
    }

    /**
     * The CPU time of {@code --server-pid}'s threads so far, in nanoseconds (the first field of each thread's
     * {@code schedstat}); 0 without one. Threads that end meanwhile drop out, which a server's loops do not.
     */
    private long serverCpuNanos() throws IOException {
        if (serverPid == 0) {
            return 0;
        }
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDirectory(serverPid))) {
            for (Path task : tasks) {
                try {
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                } catch (NoSuchFileException ended) {
                    // a thread that ended between the listing and the read
                }
            }
        }
        return total;
    }

    private void report(LoadStats.Snapshot s, double seconds, long connected, double ownCores, double serverCores) {
        Histogram h = s.latencyNanos();
        out.printf(Locale.ROOT, "target=%s clients=%d connected=%d senders=%d receivers=%d rate=%s size=%d duration=%.1fs%n",
                target.name().toLowerCase(Locale.ROOT), clients, connected, senders, clients - senders,
                rate == 0 ? "max" : String.valueOf(rate), size, seconds);
        out.printf(Locale.ROOT, "sent %.0f msg/s, delivered %.0f msg/s%n", s.sent() / seconds, s.delivered() / seconds);
        out.printf(Locale.ROOT, "delivery latency (ms): p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f%n",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        // The CPU either side used shows which one set the pace: a load generator near its cores measures itself.
        out.printf(Locale.ROOT, "CPU over the window (cores): load generator %.2f%s%n", ownCores,
                serverPid == 0 ? "" : String.format(Locale.ROOT, ", server %.2f", serverCores));
        out.printf(Locale.ROOT, "RESULT target=%s connected=%d sent_per_s=%.0f delivered_per_s=%.0f p50_ms=%.3f p90_ms=%.3f "
                        + "p95_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f loadgen_cores=%.2f%s%n",
                target.name().toLowerCase(Locale.ROOT), connected, s.sent() / seconds, s.delivered() / seconds,
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), ownCores,
                serverPid == 0 ? "" : String.format(Locale.ROOT, " server_cores=%.2f", serverCores));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
