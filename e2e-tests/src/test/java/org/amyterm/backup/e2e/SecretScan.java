package org.amyterm.backup.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every regular file under a folder, searched for a secret's bytes. */
record SecretScan(List<Path> scanned, List<Path> filesContainingSecret) {

    static SecretScan of(Path root, String secret) {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> scanned = new ArrayList<>();
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException unreadable) {
                    continue; // a socket or a file removed while walking
                }
                scanned.add(file);
                if (indexOf(content, needle) >= 0) {
                    hits.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SecretScan(scanned, hits);
    }

    int filesScanned() {
        return scanned.size();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
