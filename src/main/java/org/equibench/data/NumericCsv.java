package org.equibench.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV of numbers with a named header, read strictly: every problem is reported with the file, the line
 * and what is wrong, because a silently skipped row would make two implementations see different data.
 */
public final class NumericCsv {
    private final Path file;
    private final List<String> header;
    private final double[][] rows;
    private final int[] lineNumbers;

    private NumericCsv(Path file, List<String> header, double[][] rows, int[] lineNumbers) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.lineNumbers = lineNumbers;
    }

    public static NumericCsv read(Path file, List<String> expectedHeader) throws DataFormatException {
        String name = file.getFileName().toString();
        List<double[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) {
                throw new DataFormatException(name + ": file is empty (expected header " + String.join(",", expectedHeader) + ")");
            }
            List<String> header = List.of(headerLine.strip().split(",", -1));
            if (!header.equals(expectedHeader)) {
                throw new DataFormatException(name + " line 1: header is " + header + ", expected " + expectedHeader);
            }
            int columns = expectedHeader.size();
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.strip().split(",", -1);
                if (cells.length != columns) {
                    throw new DataFormatException(name + " line " + lineNo + ": expected " + columns + " columns, found " + cells.length);
                }
                double[] row = new double[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = parseCell(name, lineNo, c, expectedHeader.get(c), cells[c]);
                }
                rows.add(row);
                lineNumbers.add(lineNo);
            }
            if (rows.isEmpty()) {
                throw new DataFormatException(name + ": no data rows");
            }
            return new NumericCsv(file, header, rows.toArray(double[][]::new),
                    lineNumbers.stream().mapToInt(Integer::intValue).toArray());
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": file not found");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFormatException(name + ": not UTF-8 text");
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static double parseCell(String file, int line, int col, String column, String cell) throws DataFormatException {
        double v;
        try {
            v = Double.parseDouble(cell.strip());
        } catch (NumberFormatException e) {
            throw new DataFormatException(file + " line " + line + ": column " + (col + 1) + " (" + column + ") is not a number: '" + cell + "'");
        }
        if (!Double.isFinite(v)) {
            throw new DataFormatException(file + " line " + line + ": column " + (col + 1) + " (" + column + ") is not finite: '" + cell + "'");
        }
        return v;
    }

    public int rowCount() {
        return rows.length;
    }

    public double get(int row, int col) {
        return rows[row][col];
    }

    public List<String> header() {
        return header;
    }

    /** The given column as class labels, each an integer in [0, numClasses). */
    public int[] labels(int col, int numClasses) throws DataFormatException {
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            double v = rows[r][col];
            if (v != Math.rint(v) || v < 0 || v >= numClasses) {
                throw new DataFormatException(file.getFileName() + " line " + lineNumbers[r] + ": label " + v
                        + " in column " + (col + 1) + " (" + header.get(col) + ") is not one of the classes 0.." + (numClasses - 1));
            }
            out[r] = (int) v;
        }
        return out;
    }

    /** The given columns of the given rows, row-major. */
    public double[] select(long[] rowIndices, int fromRow, int toRow, int firstCol, int numCols) {
        double[] out = new double[(toRow - fromRow) * numCols];
        for (int i = fromRow; i < toRow; i++) {
            System.arraycopy(rows[(int) rowIndices[i]], firstCol, out, (i - fromRow) * numCols, numCols);
        }
        return out;
    }

    /** A data file that does not have the promised shape or content. */
    public static final class DataFormatException extends Exception {
        public DataFormatException(String message) {
            super(message);
        }
    }
}
