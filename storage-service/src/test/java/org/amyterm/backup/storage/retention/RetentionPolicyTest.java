package org.amyterm.backup.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.storage.config.StorageConfig;
import org.junit.jupiter.api.Test;

/** The retention decision, driven by a clock: what goes, what stays, and the rule that says so. */
class RetentionPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:30:00Z");

    @Test
    void dailyBackupsOlderThan35DaysGoAndPreUpgradeOnesStay90Days() {
        // Given daily backups every day for 60 days, and a pre-upgrade backup 60 days old
        List<BackupSummary> backups = new ArrayList<>();
        for (int day = 0; day < 60; day++) {
            backups.add(Backups.verified(daysAgo(day), BackupReason.SCHEDULED));
        }
        BackupSummary preUpgrade = Backups.verified(daysAgo(60).minusSeconds(60), BackupReason.PRE_UPGRADE);
        backups.add(preUpgrade);

        // When retention decides
        Map<String, RetentionPolicy.Decision> decisions = decide(policy(3, false), backups);

        // Then exactly the daily backups older than 35 days go (day 35 is 35 days and an hour old),
        // each by the age rule of its class
        List<String> deleted = deleted(decisions);
        assertThat(deleted).hasSize(60 - 35).allMatch(id -> decisions.get(id).rule().equals("age:daily:35d"));
        assertThat(deleted).doesNotContain(backups.get(34).backupId()).contains(backups.get(35).backupId());
        assertThat(decisions.get(preUpgrade.backupId()).delete()).isFalse();
        assertThat(decisions.get(preUpgrade.backupId()).rule()).isEqualTo("keep:age");
    }

    @Test
    void lastKnownGoodStaysHoweverOldAndSoDoesABackupAwaitingItsTest() {
        // Given a database whose only verified backup is 200 days old, a newer one whose test failed,
        // and a stored one whose restore test has not run, also old
        BackupSummary pending = Backups.stored(daysAgo(100));
        BackupSummary broken = Backups.verificationFailed(daysAgo(150));
        BackupSummary good = Backups.verified(daysAgo(200), BackupReason.SCHEDULED);
        BackupSummary newest = Backups.verified(daysAgo(0), BackupReason.SCHEDULED);

        Map<String, RetentionPolicy.Decision> decisions = decide(policy(0, false), List.of(newest, pending, broken, good));

        // Then the newest is kept as last known good, the pending one waits, and only the old ones go
        assertThat(decisions.get(newest.backupId()).rule()).isEqualTo("keep:last-known-good");
        assertThat(decisions.get(pending.backupId()).rule()).isEqualTo("keep:verification-pending");
        assertThat(deleted(decisions)).containsExactlyInAnyOrder(broken.backupId(), good.backupId());

        // and when the old one is the only good one left, it stays
        Map<String, RetentionPolicy.Decision> alone = decide(policy(0, false), List.of(pending, broken, good));
        assertThat(alone.get(good.backupId()).rule()).isEqualTo("keep:last-known-good");
        // and, outliving its class, it and the pending one keep their Object Lock while kept; one kept by age does not need to
        assertThat(alone.get(good.backupId()).keptBeyondItsClass()).isTrue();
        assertThat(alone.get(pending.backupId()).keptBeyondItsClass()).isTrue();
        assertThat(alone.get(broken.backupId()).keptBeyondItsClass()).isFalse();
        BackupSummary young = Backups.verified(daysAgo(2), BackupReason.SCHEDULED);
        Map<String, RetentionPolicy.Decision> byAge = decide(policy(0, false), List.of(newest, young));
        assertThat(byAge.get(young.backupId()).rule()).isEqualTo("keep:age");
        assertThat(byAge.get(young.backupId()).keptBeyondItsClass()).isFalse();
    }

    @Test
    void aFolderThatDidNotProveItselfIsNeverDeletedAndHoldsNothing() {
        // Given old verified backups, a newest good one, and an old folder whose manifest proved nothing
        BackupSummary newest = Backups.verified(daysAgo(0), BackupReason.SCHEDULED);
        BackupSummary old = Backups.verified(daysAgo(50), BackupReason.SCHEDULED);
        BackupSummary untrusted = untrusted(Backups.failed(daysAgo(60)));
        // and a planted failure, newer than all of them, that proved nothing either
        BackupSummary planted = untrusted(Backups.failed(daysAgo(-1)));

        Map<String, RetentionPolicy.Decision> decisions = decide(policy(0, false), List.of(planted, newest, old, untrusted));

        // Then the untrusted folders stay, saying why, and hold nothing: the old good backup goes
        assertThat(decisions.get(untrusted.backupId()).rule()).isEqualTo("keep:untrusted");
        assertThat(decisions.get(untrusted.backupId()).why()).contains("manifest.json: has no signature");
        assertThat(decisions.get(planted.backupId()).rule()).isEqualTo("keep:untrusted");
        assertThat(deleted(decisions)).containsExactly(old.backupId());
    }

    @Test
    void aFailureDatedInTheFutureDoesNotHoldRetentionForEver() {
        // Given a failure whose backup id is a year ahead (written to the bucket by someone), and an old backup
        BackupSummary future = Backups.failed(NOW.plus(java.time.Duration.ofDays(365)));
        BackupSummary newest = Backups.verified(daysAgo(0), BackupReason.SCHEDULED);
        BackupSummary old = Backups.verified(daysAgo(50), BackupReason.SCHEDULED);

        // Then retention is not held by it (the old backup goes), while a failure of today still holds it
        assertThat(deleted(decide(policy(0, false), List.of(future, newest, old)))).containsExactly(old.backupId());
        assertThat(deleted(decide(policy(0, false), List.of(Backups.failed(NOW), newest, old)))).isEmpty();
    }

    private static BackupSummary untrusted(BackupSummary b) {
        return new BackupSummary(b.backupId(), b.database(), b.state(), b.manifest(), b.verification(), b.failure(),
                b.expired(), List.of("manifest.json: has no signature (manifest.json.sig is missing)"));
    }

    @Test
    void nothingIsDeletedWhileTheNewestBackupsFail() {
        // Given three weeks of failures after good backups that are now 40 to 60 days old
        List<BackupSummary> backups = new ArrayList<>();
        for (int day = 0; day < 21; day++) {
            backups.add(day % 2 == 0 ? Backups.failed(daysAgo(day)) : Backups.verificationFailed(daysAgo(day)));
        }
        for (int day = 40; day < 60; day++) {
            backups.add(Backups.verified(daysAgo(day), BackupReason.SCHEDULED));
        }

        // Then nothing goes, and each decision says why
        Map<String, RetentionPolicy.Decision> decisions = decide(policy(3, false), backups);
        assertThat(deleted(decisions)).isEmpty();
        assertThat(decisions.values()).allMatch(d -> d.rule().equals("hold:newest-failing"));

        // and once the newest is verified again, the old ones go (its positive control)
        List<BackupSummary> recovered = new ArrayList<>(backups);
        recovered.add(0, Backups.verified(NOW.minusSeconds(60), BackupReason.SCHEDULED));
        assertThat(deleted(decide(policy(3, false), recovered))).isNotEmpty();
    }

    @Test
    void newestVerifiedBackupsAreKeptWhateverTheirAge() {
        List<BackupSummary> backups = new ArrayList<>();
        for (int day = 100; day < 110; day++) {
            backups.add(Backups.verified(daysAgo(day), BackupReason.SCHEDULED));
        }
        Map<String, RetentionPolicy.Decision> decisions = decide(policy(4, false), backups);
        assertThat(deleted(decisions)).hasSize(6)
                .doesNotContain(backups.get(0).backupId(), backups.get(1).backupId(), backups.get(3).backupId());
        assertThat(decisions.get(backups.get(3).backupId()).rule()).isEqualTo("keep:newest-4");
    }

    @Test
    void gfsKeepsTheNewestOfEachRecentDayWeekAndMonth() {
        // Given two verified backups a day for 400 days, and GFS 7 days / 4 weeks / 12 months
        List<BackupSummary> backups = new ArrayList<>();
        for (int day = 0; day < 400; day++) {
            backups.add(Backups.verified(daysAgo(day), BackupReason.SCHEDULED));
            backups.add(Backups.verified(daysAgo(day).minus(Duration.ofHours(6)), BackupReason.SCHEDULED));
        }
        Map<String, RetentionPolicy.Decision> decisions = decide(policy(1, true), backups);

        // Then besides the young ones, only one backup per older week or month stays
        List<RetentionPolicy.Decision> gfsKept = decisions.values().stream().filter(d -> d.rule().startsWith("keep:gfs-"))
                .toList();
        assertThat(gfsKept).isNotEmpty();
        Map<String, Long> perMonth = decisions.values().stream().filter(d -> !d.delete())
                .filter(d -> RetentionPolicy.takenAt(d.backup()).isBefore(daysAgo(40)))
                .collect(Collectors.groupingBy(d -> RetentionPolicy.takenAt(d.backup()).toString().substring(0, 7),
                        Collectors.counting()));
        assertThat(perMonth.values()).allMatch(n -> n == 1);
        assertThat(perMonth).hasSizeBetween(10, 12);
        // and the oldest (beyond 12 months) go
        assertThat(decisions.get(backups.get(backups.size() - 1).backupId()).delete()).isTrue();
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days)).minusSeconds(3600);
    }

    private static Map<String, RetentionPolicy.Decision> decide(RetentionPolicy policy, List<BackupSummary> backups) {
        List<BackupSummary> newestFirst = new ArrayList<>(backups);
        newestFirst.sort((a, b) -> b.backupId().compareTo(a.backupId()));
        return policy.decide(newestFirst, NOW).stream()
                .collect(Collectors.toMap(d -> d.backup().backupId(), d -> d));
    }

    private static List<String> deleted(Map<String, RetentionPolicy.Decision> decisions) {
        return decisions.values().stream().filter(RetentionPolicy.Decision::delete).map(d -> d.backup().backupId()).toList();
    }

    static RetentionPolicy policy(int keepAtLeast, boolean gfs) {
        return new RetentionPolicy(new StorageConfig.Retention() {
            public int dailyDays() {
                return 35;
            }

            public int preUpgradeDays() {
                return 90;
            }

            public int preFederationReleaseDays() {
                return 90;
            }

            public int manualDays() {
                return 35;
            }

            public int keepAtLeast() {
                return keepAtLeast;
            }

            public java.time.Duration lockAhead() {
                return java.time.Duration.ofDays(7);
            }

            public Gfs gfs() {
                return new Gfs() {
                    public boolean enabled() {
                        return gfs;
                    }

                    public int days() {
                        return 7;
                    }

                    public int weeks() {
                        return 4;
                    }

                    public int months() {
                        return 12;
                    }
                };
            }

            public String cron() {
                return "off";
            }
        });
    }
}
