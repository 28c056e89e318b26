package org.equibench.impl.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equibench.impl.core.RunnerError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryTest {
    @TempDir
    Path dir;

    /** A file of records whose labels are given and whose pixel bytes are the record's index. */
    private Path cifar(String name, int... labels) throws Exception {
        byte[] bytes = new byte[labels.length * CifarBinary.RECORD_BYTES];
        for (int r = 0; r < labels.length; r++) {
            bytes[r * CifarBinary.RECORD_BYTES] = (byte) labels[r];
            int start = r * CifarBinary.RECORD_BYTES;
            java.util.Arrays.fill(bytes, start + 1, start + CifarBinary.RECORD_BYTES, (byte) r);
        }
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsLabelsAndPixelsOfEachRecord() throws Exception {
        CifarBinary file = CifarBinary.read(cifar("data_batch_1.bin", 3, 9, 0));
        assertThat(file.records()).isEqualTo(3);
        assertThat(file.label(1)).isEqualTo(9);
        byte[] pixels = new byte[CifarBinary.PIXELS];
        file.copyPixels(2, pixels, 0);
        assertThat(pixels).containsOnly((byte) 2);
    }

    @Test
    void aLengthThatIsNotWholeRecordsIsAnErrorNamingTheFileAndItsLength() throws Exception {
        Path file = Files.write(dir.resolve("data_batch_2.bin"), new byte[10 * CifarBinary.RECORD_BYTES - 1]);
        assertThatThrownBy(() -> CifarBinary.read(file)).isInstanceOf(RunnerError.class)
                .hasMessage("data_batch_2.bin: 30729 bytes, not a whole number of 3073-byte records");
    }

    @Test
    void aLabelByteAboveNineNamesTheFileAndTheRecordFromZero() throws Exception {
        int[] labels = new int[18];
        labels[17] = 11;
        Path file = cifar("test_batch.bin", labels);
        assertThatThrownBy(() -> CifarBinary.read(file)).isInstanceOf(RunnerError.class)
                .hasMessage("test_batch.bin record 17: label byte 11, not 0..9");
    }

    @Test
    void aLabelByteIsReadUnsigned() throws Exception {
        Path file = cifar("test_batch.bin", 0, 200);
        assertThatThrownBy(() -> CifarBinary.read(file)).isInstanceOf(RunnerError.class)
                .hasMessage("test_batch.bin record 1: label byte 200, not 0..9");
    }

    @Test
    void theFirstRecordsAreTakenAcrossFilesInOrder() throws Exception {
        CifarRecords records = CifarRecords.first(List.of(cifar("a.bin", 1, 2), cifar("b.bin", 3, 4)), 3, "n_train");
        assertThat(records.labels()).containsExactly(1, 2, 3);
        assertThat(records.pixels()[2 * CifarBinary.PIXELS]).isEqualTo((byte) 0); // b.bin's first record
    }

    @Test
    void fewerRecordsThanAskedIsAnErrorNamingTheFilesAndTheParam() throws Exception {
        List<Path> files = List.of(cifar("data_batch_1.bin", 1), cifar("data_batch_2.bin", 2));
        assertThatThrownBy(() -> CifarRecords.first(files, 5, "n_train")).isInstanceOf(RunnerError.class)
                .hasMessage("data_batch_1.bin, data_batch_2.bin: 2 records, fewer than params.n_train = 5");
    }
}
