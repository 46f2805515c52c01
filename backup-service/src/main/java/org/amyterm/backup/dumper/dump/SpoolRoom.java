package org.amyterm.backup.dumper.dump;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** How many bytes one more dump may write to the spool: the disk's free space, or what the limit leaves. */
final class SpoolRoom {
    private SpoolRoom() {
    }

    static long of(Path spool, Optional<Long> maxBytes) throws IOException {
        long free = Files.getFileStore(spool).getUsableSpace();
        if (maxBytes.isEmpty()) {
            return free;
        }
        long used;
        try (Stream<Path> files = Files.list(spool)) {
            used = files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException gone) {
                    return 0; // stored and deleted meanwhile
                }
            }).sum();
        }
        return Math.max(0, Math.min(free, maxBytes.get() - used));
    }
}
