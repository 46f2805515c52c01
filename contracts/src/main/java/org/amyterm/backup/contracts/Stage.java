package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The pipeline stage a failure happened in. */
public enum Stage {
    DUMP, STORE, VERIFY, RETENTION, RESTORE, NOTIFY;

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Stage fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }
}
