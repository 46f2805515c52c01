package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartSizingTest {
    private static final int MIB = 1 << 20;

    @Test
    void partsDoubleEveryThousandUpToTheLargestPartTheMemoryHolds() {
        PartSizing sizing = new PartSizing(8 * MIB, 24 * MIB, 0);
        assertThat(sizing.sizeOf(1)).isEqualTo(8 * MIB);
        assertThat(sizing.sizeOf(1000)).isEqualTo(8 * MIB);
        assertThat(sizing.sizeOf(1001)).isEqualTo(16 * MIB);
        assertThat(sizing.sizeOf(2001)).isEqualTo(24 * MIB);
        assertThat(sizing.sizeOf(10_000)).isEqualTo(24 * MIB);
    }

    @Test
    void defaultsCarryFarMoreThanTheOld156GiBLimit() {
        // the defaults: 8 MiB first parts, 48 MiB of buffer memory (largest part 24 MiB)
        assertThat(new PartSizing(8 * MIB, 24 * MIB, 0).capacityBytes()).isGreaterThan(200L << 30);
    }

    @Test
    void aKnownLargeObjectStartsWithPartsLargeEnoughToFit() {
        long expected = 150L << 30;
        PartSizing sizing = new PartSizing(8 * MIB, 64 * MIB, expected);
        assertThat((long) sizing.sizeOf(1) * 9000).isGreaterThanOrEqualTo(expected);
        assertThat(sizing.capacityBytes()).isGreaterThan(expected);
    }
}
