package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;

/**
 * Creates the queue and data directories as Debian's postfix-files prescribes. This is what
 * {@code postfix post-install create-missing} does, minus its shell scripts, which take up to
 * seconds on a busy CI machine while this takes milliseconds.
 */
final class QueueLayout {

    private static final List<String> PRIVATE_QUEUES = List.of("active", "bounce", "corrupt", "defer",
            "deferred", "flush", "hold", "incoming", "private", "saved", "trace");

    private QueueLayout() {
    }

    static void create(Path queue, Path data) {
        try {
            make(queue, "root", "root", "rwxr-xr-x");
            make(queue.resolve("pid"), "root", "root", "rwxr-xr-x");
            for (String name : PRIVATE_QUEUES) {
                make(queue.resolve(name), "postfix", "root", "rwx------");
            }
            make(queue.resolve("maildrop"), "postfix", "postdrop", "rwx-wx---");
            make(queue.resolve("public"), "postfix", "postdrop", "rwx--x---");
            make(data, "postfix", "root", "rwx------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Postfix queue under " + queue, e);
        }
    }

    private static void make(Path dir, String owner, String group, String permissions) throws IOException {
        Files.createDirectories(dir);
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(owner));
        GroupPrincipal groupPrincipal = users.lookupPrincipalByGroupName(group);
        view.setGroup(groupPrincipal);
        view.setPermissions(PosixFilePermissions.fromString(permissions));
    }
}
