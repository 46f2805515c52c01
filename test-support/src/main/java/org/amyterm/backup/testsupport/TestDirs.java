package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where test servers keep their files and logs: {@code target/test-servers} of the module under
 * test, or {@code target/test-servers-N} in surefire fork N when a module runs its classes in
 * several forks at once (they start servers of the same names).
 */
public final class TestDirs {
    private TestDirs() {
    }

    public static Path servers() {
        String fork = System.getProperty("amyterm.test.fork", "");
        return create(Path.of(System.getProperty("user.dir"), "target",
                fork.isBlank() ? "test-servers" : "test-servers-" + fork));
    }

    public static Path server(String name) {
        return create(servers().resolve(name));
    }

    /** The checkout's root: the nearest folder above the working directory that holds {@code deploy/}. */
    public static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no checkout root (a folder with deploy/ and pom.xml) above "
                + System.getProperty("user.dir"));
    }

    static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
