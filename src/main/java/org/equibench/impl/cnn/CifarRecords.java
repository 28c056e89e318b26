package org.equibench.impl.cnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.equibench.impl.core.RunnerError;

/**
 * The first {@code n} records of a sequence of CIFAR-10 binary files, taken in file order: the labels and the
 * pixel bytes ({@code n} × 3,072, CHW per image). Every file is read and checked, also those past the first
 * {@code n} records (the contract's {@code load} checks all six data files).
 */
public record CifarRecords(int[] labels, byte[] pixels) {

    public int count() {
        return labels.length;
    }

    /** {@code param} names the spec param that asked for {@code n} records, for the error message. */
    public static CifarRecords first(List<Path> files, int n, String param) throws IOException {
        List<CifarBinary> read = new ArrayList<>();
        long available = 0;
        for (Path file : files) {
            CifarBinary binary = CifarBinary.read(file);
            read.add(binary);
            available += binary.records();
        }
        if (available < n) {
            String names = read.stream().map(CifarBinary::name).collect(Collectors.joining(", "));
            throw new RunnerError(names + ": " + available + " records, fewer than params." + param + " = " + n);
        }
        int[] labels = new int[n];
        byte[] pixels = new byte[Math.multiplyExact(n, CifarBinary.PIXELS)];
        int taken = 0;
        for (CifarBinary binary : read) {
            for (int record = 0; record < binary.records() && taken < n; record++, taken++) {
                labels[taken] = binary.label(record);
                binary.copyPixels(record, pixels, taken * CifarBinary.PIXELS);
            }
        }
        return new CifarRecords(labels, pixels);
    }
}
