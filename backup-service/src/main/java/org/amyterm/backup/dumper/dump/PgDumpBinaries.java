package org.amyterm.backup.dumper.dump;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.amyterm.backup.pgtools.PgClientProcess;

/**
 * The installed pg_dump programs, and which one dumps a given server: pg_dump refuses a server of
 * a newer major version than its own, and an older pg_dump may miss newer features, so the one
 * chosen is the oldest major version that is at least the server's. Looked for in the configured
 * directory, the directories per major version, the pattern's directories that exist, and the PATH
 * (unless turned off);
 * each found program's {@code --version} is asked once.
 */
final class PgDumpBinaries {
    /** The major versions the directory pattern is tried with. */
    private static final int FIRST_MAJOR = 9;
    private static final int LAST_MAJOR = 40;
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    private final List<Optional<Path>> candidates;
    /** Programs found; one not found is looked for again next time (it may have been installed since). */
    private final Map<Optional<Path>, Installed> probed = new ConcurrentHashMap<>();

    /** One pg_dump: its directory (empty: the PATH), what {@code --version} said, and its major version. */
    record Installed(Optional<Path> binDir, String version, int major) {
    }

    PgDumpBinaries(Optional<Path> binDir, Map<String, Path> byMajor, String pattern, boolean fromPath) {
        Set<Optional<Path>> dirs = new LinkedHashSet<>();
        binDir.ifPresent(dir -> dirs.add(Optional.of(dir)));
        byMajor.values().forEach(dir -> dirs.add(Optional.of(dir)));
        IntStream.rangeClosed(FIRST_MAJOR, LAST_MAJOR)
                .mapToObj(major -> Path.of(pattern.replace("{major}", Integer.toString(major))))
                .filter(dir -> Files.isExecutable(dir.resolve("pg_dump")))
                .forEach(dir -> dirs.add(Optional.of(dir)));
        if (fromPath) {
            dirs.add(Optional.empty());
        }
        this.candidates = List.copyOf(dirs);
    }

    /** The pg_dump for a server of {@code serverMajor}, if one is installed. */
    Optional<Installed> forServer(int serverMajor) {
        return installed().stream().filter(i -> i.major() >= serverMajor)
                .min(Comparator.comparingInt(Installed::major));
    }

    /** Every pg_dump found, for the message when none fits. */
    List<Installed> installed() {
        List<Installed> found = new ArrayList<>();
        for (Optional<Path> dir : candidates) {
            Installed known = probed.get(dir);
            if (known == null) {
                probe(dir).ifPresent(installed -> probed.put(dir, installed));
                known = probed.get(dir);
            }
            if (known != null) {
                found.add(known);
            }
        }
        return found;
    }

    private static Optional<Installed> probe(Optional<Path> dir) {
        String version = PgClientProcess.version(dir, "pg_dump");
        return majorOf(version).map(major -> new Installed(dir, version, major));
    }

    /** 15 for "pg_dump (PostgreSQL) 15.18", 9 for "... 9.6.24" (before 10 the major had two parts; the first decides here). */
    static Optional<Integer> majorOf(String version) {
        Matcher m = VERSION.matcher(version);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }
}
