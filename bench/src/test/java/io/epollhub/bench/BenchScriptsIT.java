package io.epollhub.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The benchmark scripts, run for real at a small size: wrk against the release jar and an nginx, the load
 * generator against the jar and a redis-server, the chart drawn from results. Checks that every figure the
 * scripts report is there and adds up, not how fast anything is: that is the machine's, and
 * {@code bench/README.md} reports it from full runs.
 *
 * <p>Skipped when a tool the script needs is missing, unless {@code EPOLLHUB_BENCH_TESTS=required} (CI sets it),
 * where a missing tool fails instead.
 */
class BenchScriptsIT {

    private static final Path BENCH = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final String NUMBER = "([0-9.]+)";

    @TempDir
    Path work;

    @Test
    void httpComparesTheThreeModesWithNginxAndTheTransports() throws Exception {
        requireTools("wrk", "nginx");
        String out = runScript("http.sh", Map.of("ROUNDS", "1", "DURATION", "1s", "WARMUP", "1s"));
        for (String mode : new String[] {"keepalive", "pipelined", "close"}) {
            Matcher m = find(out, "RESULT http " + mode + " epollhub=" + NUMBER + " nginx=" + NUMBER + " ratio=" + NUMBER);
            double epollhub = Double.parseDouble(m.group(1));
            double nginx = Double.parseDouble(m.group(2));
            assertTrue(epollhub > 0 && nginx > 0, out);
            assertEquals(String.format(Locale.ROOT, "%.2f", epollhub / nginx), m.group(3), out);
            Matcher cpu = find(out, "RESULT http_cpu " + mode + " epollhub_user_us=" + NUMBER + " epollhub_sys_us=" + NUMBER
                    + " epollhub_wrk_us=" + NUMBER + " nginx_user_us=" + NUMBER + " nginx_sys_us=" + NUMBER
                    + " nginx_wrk_us=" + NUMBER);
            assertPlausibleCpu(cpu.group(1), cpu.group(2), cpu.group(3), epollhub, out);
            assertPlausibleCpu(cpu.group(4), cpu.group(5), cpu.group(6), nginx, out);
        }
        for (String mode : new String[] {"keepalive", "pipelined"}) {
            Matcher m = find(out, "RESULT transport " + mode + " edge=" + NUMBER + " level=" + NUMBER + " nio=" + NUMBER);
            Matcher cpu = find(out, "RESULT transport_cpu " + mode + " edge_us=" + NUMBER + " level_us=" + NUMBER
                    + " nio_us=" + NUMBER);
            for (int i = 1; i <= 3; i++) {
                assertPlausibleCpu(cpu.group(i), "0", "0", Double.parseDouble(m.group(i)), out);
            }
        }
        assertFalse(out.contains("warning:"), "wrk had socket errors:\n" + out);
    }

    /** Something else on a port the script uses would be measured instead: it stops before starting anything. */
    @Test
    void aPortInUseStopsTheBenchmarkBeforeItMeasures() throws Exception {
        requireTools("wrk");
        try (ServerSocket squatter = new ServerSocket(18082, 50, InetAddress.getLoopbackAddress())) {
            Process process = start("http.sh", Map.of("ROUNDS", "1", "DURATION", "1s", "WARMUP", "1s"));
            String out = finish(process, "http.sh");
            assertEquals(2, process.exitValue(), out);
            assertTrue(out.contains("port 18082 is in use: the benchmark needs it free"), out);
            assertFalse(out.contains("# keepalive"), out);
        }
    }

    @Test
    void chatComparesWithRedisReachesItsStepAndMeasuresIdleMemory() throws Exception {
        requireTools("redis-server", "jcmd", "curl");
        String out = runScript("chat.sh", Map.of("ROUNDS", "1", "DURATION", "2", "RECEIVERS", "20",
                "STEPS", "100", "REACHED_ROUNDS", "1", "IDLE_CLIENTS", "500"));
        Matcher fanout = find(out, "RESULT chat fanout delivered_ratio=" + NUMBER + " p99_epollhub=" + NUMBER
                + " p99_redis=" + NUMBER);
        assertTrue(Double.parseDouble(fanout.group(1)) > 0, out);
        Matcher cpu = find(out, "RESULT chat_cpu epollhub_server_cores=" + NUMBER + " epollhub_loadgen_cores=" + NUMBER
                + " epollhub_server_us=" + NUMBER + " redis_server_cores=" + NUMBER + " redis_loadgen_cores=" + NUMBER
                + " redis_server_us=" + NUMBER);
        for (int server = 1; server <= 4; server += 3) {
            double serverCores = Double.parseDouble(cpu.group(server));
            double both = serverCores + Double.parseDouble(cpu.group(server + 1));
            assertTrue(serverCores > 0 && Double.parseDouble(cpu.group(server + 2)) > 0, out);
            assertTrue(both <= Runtime.getRuntime().availableProcessors() * 1.1, "more cores than the machine has:\n" + out);
        }
        assertFalse(out.contains("warning:"), out);
        assertEquals("100", find(out, "RESULT chat clients_reached=(\\d+)").group(1), out);
        Matcher idle = find(out, "RESULT chat idle_bytes_per_connection=(-?\\d+) clients=(\\d+)");
        assertEquals("500", idle.group(2), out);
        assertTrue(Integer.parseInt(idle.group(1)) > 0, out);
    }

    @Test
    void reportChartsTheRatiosOfTheResults() throws Exception {
        requireTools("gnuplot");
        Files.writeString(work.resolve("http.txt"), String.join("\n",
                "RESULT http keepalive epollhub=120000 nginx=100000 ratio=1.20",
                "RESULT http pipelined epollhub=900000 nginx=200000 ratio=4.50",
                "RESULT http close epollhub=27000 nginx=30000 ratio=0.90", ""));
        Files.writeString(work.resolve("chat.txt"),
                "RESULT chat fanout delivered_ratio=1.44 p99_epollhub=6229 p99_redis=8615\n");
        runScript("report.sh", Map.of("RESULTS_DIR", work.toString()));

        String[] ratios = Files.readAllLines(work.resolve("ratios.dat")).stream().skip(1)
                .map(line -> line.substring(line.lastIndexOf('"') + 1).trim()).toArray(String[]::new);
        assertArrayEquals(new String[] {"1.20 1.2", "4.50 4", "0.90 1.0", "1.44 1.0"}, ratios);
        byte[] png = Files.readAllBytes(work.resolve("ratios.png"));
        assertTrue(png.length > 1000, "a chart, not an empty file: " + png.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    /** Runs a script of {@code bench/} with {@code env} added; returns what it printed, failing on a non-zero exit. */
    private String runScript(String script, Map<String, String> env) throws IOException, InterruptedException {
        Process process = start(script, env);
        String out = finish(process, script);
        assertEquals(0, process.exitValue(), script + " failed:\n" + out);
        return out;
    }

    private Process start(String script, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", BENCH.resolve(script).toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(script + ".out").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Waits for the script (at most 10 minutes, then it and what it started are stopped); returns what it printed. */
    private String finish(Process process, String script) throws IOException, InterruptedException {
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String out = Files.readString(work.resolve(script + ".out"));
        assertTrue(finished, script + " did not finish in 10 minutes:\n" + out);
        return out;
    }

    /**
     * CPU per request, a server's (user and system, or the total and "0") and wrk's (or "0"): the server's is more
     * than nothing, and the two together no more than every core busy for the run, which at
     * {@code requestsPerSecond} is cores / requestsPerSecond seconds a request. A tenth is spared: both counts are
     * in 10 ms ticks and wrk's includes its start, against runs of one second (such runs came to 95-101 % of the
     * cores).
     */
    private static void assertPlausibleCpu(String user, String system, String wrk, double requestsPerSecond,
            String out) {
        double server = Double.parseDouble(user) + Double.parseDouble(system);
        double both = server + Double.parseDouble(wrk);
        double most = Runtime.getRuntime().availableProcessors() * 1e6 / requestsPerSecond * 1.1;
        assertTrue(requestsPerSecond > 0 && server > 0 && both <= most, server + " us of the server's CPU and " + wrk
                + " of wrk's a request at " + requestsPerSecond + " requests/s (at most " + most + " together):\n" + out);
    }

    private static Matcher find(String out, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(out);
        assertTrue(m.find(), "no line " + regex + " in:\n" + out);
        return m;
    }

    private static void requireTools(String... tools) throws IOException, InterruptedException {
        boolean required = "required".equals(System.getenv("EPOLLHUB_BENCH_TESTS"));
        for (String tool : tools) {
            boolean available = new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
            if (!available && required) {
                throw new AssertionError(tool + " is required here (EPOLLHUB_BENCH_TESTS=required) but missing");
            }
            assumeTrue(available, tool + " not installed: benchmark script test skipped"
                    + " (apt-get install wrk nginx-light redis-server gnuplot-nox)");
        }
    }
}
