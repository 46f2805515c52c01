package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The resolved jar paths of the servers that run in JVMs of their own (written by the build). */
final class Classpaths {
    private Classpaths() {
    }

    static String of(String server) {
        String resource = "/amyterm-test-support/" + server + ".classpath";
        try (InputStream in = Classpaths.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: build test-support with Maven first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
