package org.amyterm.backup.dumper.dump;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
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
        // a joined backup's files are hard links of another's: each file's blocks count once
        Map<Object, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.list(spool)) {
            files.forEach(file -> {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        sizes.put(attributes.fileKey() == null ? file : attributes.fileKey(), attributes.size());
                    }
                } catch (IOException gone) {
                    // stored and deleted meanwhile
                }
            });
        }
        long used = sizes.values().stream().mapToLong(Long::longValue).sum();
        return Math.max(0, Math.min(free, maxBytes.get() - used));
    }
}
