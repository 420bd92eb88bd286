package io.epollhub.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * One version of a file as its validators name it (RFC 9110 section 8.8): a strong {@code ETag} and its
 * {@code Last-Modified} date, for {@code /static/} and {@code /files/} alike.
 *
 * @param etag           size, modification time (as fine as the file system keeps it) and file identity: a PUT
 *                       renames a new file into place, so even a same-size replacement within one timestamp tick
 *                       gets another tag
 * @param modifiedMillis the modification time in whole seconds, as an HTTP date carries it
 * @param size           the file's length in bytes
 */
record FileVersion(String etag, long modifiedMillis, long size) {

    static FileVersion of(BasicFileAttributes attributes) {
        long nanos = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        Object key = attributes.fileKey();
        String etag = "\"" + Long.toHexString(attributes.size()) + "-" + Long.toHexString(nanos)
                + (key == null ? "" : "-" + Integer.toHexString(key.hashCode())) + "\"";
        return new FileVersion(etag, attributes.lastModifiedTime().toMillis() / 1000 * 1000, attributes.size());
    }

    /** The version of the regular file at {@code path} (symlinks followed), or {@code null} if there is none. Blocking. */
    static FileVersion ofFile(Path path) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return attributes.isRegularFile() ? of(attributes) : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            if (path.getParent() != null && !Files.isDirectory(path.getParent())) {
                return null; // ENOTDIR: the path goes through a file, so nothing is there
            }
            throw e;
        }
    }

    void addTo(HttpHeaders headers) {
        headers.set(HttpHeaderNames.ETAG, etag);
        headers.set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(modifiedMillis)));
    }

    /**
     * RFC 9110 section 13.1.5: a {@code Range} sent with {@code If-Range} applies only while the file is the one the
     * client has part of: its entity tag compared strongly (a weak tag never matches), or its exact
     * {@code Last-Modified} date.
     */
    boolean ifRangeHolds(String ifRange) {
        if (ifRange == null) {
            return true;
        }
        String validator = ifRange.trim();
        if (validator.startsWith("\"") || validator.startsWith("W/")) {
            return validator.equals(etag);
        }
        Date date = Preconditions.httpDate(validator);
        return date != null && date.getTime() == modifiedMillis;
    }
}
