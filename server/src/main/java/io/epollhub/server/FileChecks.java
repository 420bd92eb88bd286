package io.epollhub.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The paths the server will use, checked at start with the process's own rights: one line and exit 2 instead of a
 * failure for every request later, or a file written somewhere the user did not mean.
 */
final class FileChecks {

    private FileChecks() {
    }

    /** {@code dir} as an absolute path, when the process can read it (and write it, if {@code writable}). */
    static Path directory(String what, Path dir, boolean writable) {
        if (dir == null) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            throw ConfigException.invalid("--" + what + "-dir",
                    what + " directory " + dir + " does not exist or is not a directory");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir) || (writable && !Files.isWritable(dir))) {
            throw ConfigException.invalid("--" + what + "-dir",
                    what + " directory " + dir + " is not " + (writable ? "readable and writable" : "readable")
                    + " by this process" + user());
        }
        return dir.toAbsolutePath().normalize();
    }

    /**
     * Refuses {@code file} unless the process can append to it, or create it in a directory that exists: a logger
     * left alone would create missing directories, or report a failure the user never sees.
     *
     * @param what names the file for the message, with its {@code option}: {@code the access log}
     */
    static void appendable(String option, String what, Path file) {
        String reason = whyNotAppendable(file.toAbsolutePath().normalize());
        if (reason != null) {
            throw ConfigException.invalid(option,
                    "cannot write " + what + " (" + option + ") to " + file + ": " + reason);
        }
    }

    private static String whyNotAppendable(Path file) {
        if (Files.isDirectory(file)) {
            return "is a directory";
        }
        if (Files.exists(file)) {
            return Files.isWritable(file) ? null : "permission denied" + user();
        }
        Path dir = file.getParent();
        if (!Files.exists(dir)) {
            return "no such directory " + dir;
        }
        if (!Files.isDirectory(dir)) {
            return dir + " is not a directory";
        }
        return Files.isWritable(dir) && Files.isExecutable(dir) ? null : "permission denied in " + dir + user();
    }

    private static String user() {
        return " (user " + System.getProperty("user.name") + ")";
    }
}
