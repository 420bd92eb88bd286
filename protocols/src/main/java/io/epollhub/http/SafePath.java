package io.epollhub.http;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Maps the raw (still percent-encoded) rest of a request path to a file under a base directory, or refuses:
 * 400 for what is malformed (bad escapes, not UTF-8, NUL), 403 for anything that would leave the base
 * ({@code ..} in any encoding, absolute paths, backslashes, symlinks that lead outside).
 */
final class SafePath {

    /** A refused path and the status that says why. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient HttpResponseStatus status;

        Refused(HttpResponseStatus status, String why) {
            super(why, null, false, false);
            this.status = status;
        }
    }

    /** The longest file name Linux file systems take (NAME_MAX), in bytes. */
    static final int NAME_MAX = 255;

    private SafePath() {
    }

    /** Whether a name in {@code path} is longer than any file system takes: no such file can exist or be made. */
    static boolean nameTooLong(Path path) {
        for (Path name : path) {
            if (name.toString().getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                return true;
            }
        }
        return false;
    }

    /** The lexical checks, no file-system access: safe on an event loop. */
    static Path lexical(Path base, String raw) throws Refused {
        String decoded;
        try {
            decoded = PercentDecoder.decode(raw);
        } catch (IllegalArgumentException e) {
            throw new Refused(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        if (decoded.indexOf('\0') >= 0) {
            throw new Refused(HttpResponseStatus.BAD_REQUEST, "NUL in path");
        }
        if (decoded.indexOf('\\') >= 0) {
            throw new Refused(HttpResponseStatus.FORBIDDEN, "backslash in path");
        }
        if (decoded.startsWith("/")) {
            throw new Refused(HttpResponseStatus.FORBIDDEN, "absolute path");
        }
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals("..")) {
                throw new Refused(HttpResponseStatus.FORBIDDEN, "parent directory in path");
            }
        }
        Path resolved = base.resolve(decoded).normalize();
        if (!resolved.startsWith(base)) {
            throw new Refused(HttpResponseStatus.FORBIDDEN, "outside the base directory");
        }
        return resolved;
    }

    /**
     * Whether {@code raw} names a directory: it ends in {@code /} (or {@code %2F}), or in a {@code .} segment, as
     * RFC 3986 section 5.2.4 keeps that slash. {@link #lexical} normalizes it away, so callers ask here.
     */
    static boolean namesDirectory(String raw) {
        String decoded;
        try {
            decoded = PercentDecoder.decode(raw);
        } catch (IllegalArgumentException e) {
            return false; // malformed: lexical refuses it
        }
        return decoded.isEmpty() || decoded.endsWith("/") || decoded.equals(".") || decoded.endsWith("/.");
    }

    /**
     * Follows symlinks from the deepest part of {@code path} that exists: refused if that leads out of
     * {@code realBase}, or nowhere. Touches the file system: blocking executor only.
     */
    static void checkLinks(Path realBase, Path path) throws Refused, IOException {
        Path existing = deepestExisting(path);
        Path real;
        try {
            real = existing == null ? null : existing.toRealPath();
        } catch (FileSystemException e) {
            real = null; // a dangling symlink, or a loop of them: it leads nowhere inside
        }
        if (real == null || !real.startsWith(realBase)) {
            throw new Refused(HttpResponseStatus.FORBIDDEN, "symlink leads outside the base directory");
        }
    }

    /** {@code path} or the nearest of its parents that exists (a symlink counts as itself), or {@code null}. */
    static Path deepestExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing;
    }
}
