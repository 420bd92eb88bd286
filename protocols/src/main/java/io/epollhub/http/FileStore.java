package io.epollhub.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * The {@code /files/} REST API over one directory. Every file-system call runs on the blocking executor.
 *
 * <p>Writes never tear: a body streams into a temporary file beside its target, is fsynced, and only then
 * becomes the target (a hard link for POST, so an existing file is never replaced; an atomic rename for PUT;
 * an fsynced append for PATCH). Commits to one path are serialized by a lock striped over paths; preconditions
 * (RFC 9110 section 13) are evaluated under it, and so are a GET's validators and its open, so a GET waits while a
 * commit to its path (or one sharing its stripe) runs.
 */
final class FileStore {

    static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    static final String TEMP_PREFIX = ".epollhub-upload-";
    static final String DIRECTORY_TARGET = "A path ending in / names a directory; uploads need a file name\n";
    static final String NAME_TOO_LONG = "A file or directory name is longer than " + SafePath.NAME_MAX + " bytes\n";
    /** An upload's mode, less the process's umask: rw-r--r-- under the usual 022. */
    static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));

    private static final Logger log = LoggerFactory.getLogger(FileStore.class);

    private final Path base;
    private final Path realBase;
    private final Executor blocking;
    private final Semaphore[] stripes = new Semaphore[64];
    /** Directories uploads made that no upload has committed a file into yet: an upload that fails removes them. */
    private final Set<Path> madeForUploads = ConcurrentHashMap.newKeySet();

    FileStore(Path base, Executor blocking) throws IOException {
        this.base = base.toAbsolutePath().normalize();
        this.realBase = this.base.toRealPath();
        this.blocking = blocking;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Semaphore(1);
        }
    }

    Executor blockingExecutor() {
        return blocking;
    }

    Exchange handle(HttpRequest request, Reply reply, String rawPath) {
        Path path;
        try {
            path = SafePath.lexical(base, rawPath);
        } catch (SafePath.Refused refused) {
            reply.send(Responses.status(request.protocolVersion(), refused.status));
            return Exchange.DISCARD_BODY;
        }
        HttpMethod method = request.method();
        boolean write = method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH);
        if (path.equals(base) || SafePath.namesDirectory(rawPath)) {
            // The API serves and takes files only: a target ending in "/" is never one, whatever the disk holds.
            reply.send(write ? Responses.text(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST, DIRECTORY_TARGET)
                    : Responses.status(request.protocolVersion(), HttpResponseStatus.NOT_FOUND));
            return Exchange.DISCARD_BODY;
        }
        if (SafePath.nameTooLong(path)) {
            reply.send(write ? Responses.text(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST, NAME_TOO_LONG)
                    : Responses.status(request.protocolVersion(), HttpResponseStatus.NOT_FOUND));
            return Exchange.DISCARD_BODY;
        }
        if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
            run(reply, () -> read(reply, path));
            return Exchange.DISCARD_BODY;
        }
        if (method.equals(HttpMethod.DELETE)) {
            run(reply, () -> delete(reply, path));
            return Exchange.DISCARD_BODY;
        }
        if (write) {
            return new Upload(this, reply, path);
        }
        Router.notAllowed(reply, ALLOW);
        return Exchange.DISCARD_BODY;
    }

    /** A file-system task for {@code reply}: its failures answer 403 (refused), 500 (anything else) or 503 (busy). */
    interface Task {
        void run() throws Exception;
    }

    void run(Reply reply, Task task) {
        run(reply, blocking, task);
    }

    static void run(Reply reply, Executor executor, Task task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (SafePath.Refused refused) {
                    reply.send(Responses.status(HttpVersion.HTTP_1_1, refused.status));
                } catch (AccessDeniedException e) {
                    forbidden(reply, e);
                } catch (Exception | Error e) {
                    reply.fail(e);
                }
            });
        } catch (RejectedExecutionException e) {
            reply.send(Responses.status(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE));
        }
    }

    /**
     * The file system refused the server itself (EACCES: a file or directory another user made, without read or write
     * permission for this process): 403, as nginx answers, with one WARN line for the operator instead of a 500 that
     * closes the connection and logs a stack trace.
     */
    static void forbidden(Reply reply, AccessDeniedException e) {
        log.warn("{} {}: 403, the server has no permission for {}", reply.request.method(), reply.request.uri(), e.getFile());
        reply.send(Responses.status(reply.request.protocolVersion(), HttpResponseStatus.FORBIDDEN));
    }

    private void read(Reply reply, Path path) throws Exception {
        SafePath.checkLinks(realBase, path);
        // Under the path's lock, so the validators sent are those of the bytes sent while this server replaces it.
        locked(path, () -> {
            FileVersion current = FileVersion.ofFile(path);
            if (current == null) {
                reply.send(Responses.status(reply.request.protocolVersion(), HttpResponseStatus.NOT_FOUND));
            } else if (!Preconditions.answered(reply, current)) {
                StaticFiles.send(reply, path, current, Responses.OCTET_STREAM); // ranges too: resumable downloads
            }
            return null;
        });
    }

    private void delete(Reply reply, Path path) throws Exception {
        SafePath.checkLinks(realBase, path);
        HttpResponseStatus status = locked(path, () -> {
            FileVersion current = FileVersion.ofFile(path);
            if (current == null) {
                return HttpResponseStatus.NOT_FOUND;
            }
            HttpResponseStatus failed = Preconditions.evaluate(reply.request, current);
            if (failed != null) {
                return failed;
            }
            return Files.deleteIfExists(path) ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.NOT_FOUND;
        });
        reply.send(status == HttpResponseStatus.NO_CONTENT ? Responses.empty(reply.request.protocolVersion(), status)
                : Responses.status(reply.request.protocolVersion(), status));
    }

    /**
     * Opens the temporary file an upload to {@code path} streams into, making parent directories as needed; refused
     * at once, before the body is read, when the file as it is now fails the request's preconditions.
     */
    Path createTemp(HttpRequest request, Path path) throws Exception {
        Path parent = path.getParent();
        SafePath.checkLinks(realBase, path); // the target itself too: PATCH appends through a symlink
        if (fileInTheWay(parent)) {
            throw new SafePath.Refused(HttpResponseStatus.CONFLICT, "a file is in the way");
        }
        if (Files.isDirectory(path)) {
            throw new SafePath.Refused(HttpResponseStatus.CONFLICT, "a directory is in the way");
        }
        HttpResponseStatus refused = writeRefusal(request, FileVersion.ofFile(path)); // before any directory is made
        if (refused != null) {
            throw new SafePath.Refused(refused, "precondition failed or file exists");
        }
        for (int attempt = 1; ; attempt++) {
            makeDirectories(parent);
            try {
                // Readable by others as any file made with open(2)'s usual 0666 less the umask, not the temp file's 0600.
                return Files.createTempFile(parent, TEMP_PREFIX, ".tmp", FILE_MODE);
            } catch (NoSuchFileException e) {
                if (attempt == 3) {
                    throw e;
                }
                // An upload that made the same directories was aborted and removed them meanwhile: make them again.
            }
        }
    }

    /** Makes {@code dir} and the parents it lacks, noting each as made for an upload until one holds a file. */
    private void makeDirectories(Path dir) throws Exception {
        Path existing = SafePath.deepestExisting(dir);
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) { // EEXIST or ENOTDIR: did a file race in where a directory should be?
            if (fileInTheWay(dir)) {
                throw new SafePath.Refused(HttpResponseStatus.CONFLICT, "a file is in the way");
            }
            throw e;
        }
        for (Path made = dir; made.startsWith(base) && !made.equals(existing); made = made.getParent()) {
            madeForUploads.add(made);
        }
        SafePath.checkLinks(realBase, dir); // a symlink raced in while the directories were made
    }

    /**
     * An upload to {@code path} ends without a file: the directories uploads made for it go again while they are
     * empty, whichever upload made them (two aborted uploads into one new directory leave nothing). Any other
     * directory stays, and so does one holding something, such as another upload's temporary file: that upload
     * removes it if it fails too.
     */
    void removeMadeDirectories(Path path) throws IOException {
        for (Path dir = path.getParent(); dir != null && madeForUploads.contains(dir); dir = dir.getParent()) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (NoSuchFileException e) {
                // already gone: go on with its parents
            }
            madeForUploads.remove(dir);
        }
    }

    /** An upload to {@code path} committed: its directories hold a file now, and are the user's. */
    void keepMadeDirectories(Path path) {
        for (Path dir = path.getParent(); dir != null && madeForUploads.remove(dir); dir = dir.getParent()) {
            // removed from the set, nothing more to do
        }
    }

    /** The nearest existing one of {@code dir} and its parents is not a directory. */
    private static boolean fileInTheWay(Path dir) {
        Path existing = SafePath.deepestExisting(dir);
        return existing != null && !Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * 409 for a POST to a file that exists (its preconditions are then ignored, RFC 9110 section 13.2.1), 412 when a
     * precondition fails, otherwise {@code null}: the write may go on.
     */
    private static HttpResponseStatus writeRefusal(HttpRequest request, FileVersion current) {
        if (request.method().equals(HttpMethod.POST) && current != null) {
            return HttpResponseStatus.CONFLICT;
        }
        return Preconditions.evaluate(request, current);
    }

    /**
     * Makes the fsynced {@code temp} the content of {@code path}, and says with which status. The preconditions are
     * evaluated again under the path's lock, so no other request to this server changes the file between their
     * check and the write.
     */
    HttpResponseStatus commit(HttpRequest request, Path temp, Path path) throws Exception {
        HttpMethod method = request.method();
        return locked(path, () -> {
            try {
                SafePath.checkLinks(realBase, path); // a symlink leading out may have been placed there meanwhile
                FileVersion current = FileVersion.ofFile(path);
                HttpResponseStatus refused = writeRefusal(request, current);
                if (refused != null) {
                    return refused;
                }
                if (method.equals(HttpMethod.POST)) {
                    try {
                        Files.createLink(path, temp); // link(2): atomic, and never replaces
                        return HttpResponseStatus.CREATED;
                    } catch (FileAlreadyExistsException e) {
                        return HttpResponseStatus.CONFLICT;
                    }
                }
                boolean existed = current != null;
                if (method.equals(HttpMethod.PUT) || !existed) {
                    Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return existed ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.CREATED;
                }
                try (FileChannel from = FileChannel.open(temp, StandardOpenOption.READ);
                     FileChannel to = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    long size = from.size();
                    for (long done = 0; done < size; ) {
                        done += from.transferTo(done, size - done, to);
                    }
                    to.force(true);
                }
                return HttpResponseStatus.NO_CONTENT;
            } finally {
                Files.deleteIfExists(temp);
                syncDirectory(path.getParent());
            }
        });
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true); // the new directory entry survives a crash too
        }
    }

    interface Locked<T> {
        T run() throws Exception;
    }

    private <T> T locked(Path path, Locked<T> action) throws Exception {
        Semaphore lock = stripes[Math.floorMod(path.hashCode(), stripes.length)];
        lock.acquire();
        try {
            return action.run();
        } finally {
            lock.release();
        }
    }
}
