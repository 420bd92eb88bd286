package io.epollhub.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real curl, the way the README's examples run it. */
final class Curl {

    private Curl() {
    }

    /** Runs {@code curl -sS --max-time 20 <args>} and returns its standard output; fails on a non-zero exit. */
    static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        String err = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, curl.exitValue(), "curl " + args[args.length - 1] + ": " + err);
        return out;
    }

    /** {@code curl -w '%{http_code}'}: the status code only, body discarded. */
    static int status(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-o", "/dev/null", "-w", "%{http_code}"));
        command.addAll(List.of(args));
        return Integer.parseInt(run(command.toArray(String[]::new)).trim());
    }
}
