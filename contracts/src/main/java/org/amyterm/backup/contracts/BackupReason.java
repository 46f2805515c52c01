package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Why a backup was taken (procedure section 2: daily, before upgrades, before federation releases). */
public enum BackupReason {
    SCHEDULED, PRE_UPGRADE, PRE_FEDERATION_RELEASE, MANUAL;

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The retention class a backup taken for this reason belongs to: scheduled backups are
     * {@code daily}; the others keep their reason's name, so each class has its own retention.
     */
    public String retentionClass() {
        return this == SCHEDULED ? "daily" : code();
    }

    @JsonCreator
    public static BackupReason fromCode(String code) {
        return Arrays.stream(values())
                .filter(r -> r.code().equalsIgnoreCase(code) || r.name().equalsIgnoreCase(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown backup reason '" + code
                        + "'; expected one of scheduled, pre-upgrade, pre-federation-release, manual"));
    }
}
