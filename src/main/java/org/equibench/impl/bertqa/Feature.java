package org.equibench.impl.bertqa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One window of one question: {@code [CLS] q [SEP] window [SEP]} with its token types (0 up to the first [SEP], 1
 * after), attention mask (all 1, nothing padded) and offsets into the context ((-1, -1) outside the window).
 * Context tokens sit at positions {@link #contextStart()} to {@link #contextEnd()} (exclusive).
 */
record Feature(int question, long[] inputIds, long[] tokenTypeIds, long[] attentionMask, int[] starts, int[] ends,
               int contextStart, int contextEnd) {

    int length() {
        return inputIds.length;
    }

    /**
     * The features of one question (PROTOCOL.md, "Task `bert-qa`", preprocessing 1, 3 and 4): the question cut to
     * {@code maxQueryLength} tokens, then windows of {@code room = maxLength - len(q) - 3} context tokens, each
     * starting {@code room - docStride} after the previous, until one reaches the end; an empty context gives one
     * window with no context token.
     */
    static List<Feature> of(int question, long[] questionIds, QaTokenizer.Tokens context, int maxLength, int docStride,
                            int maxQueryLength) {
        long[] q = questionIds.length > maxQueryLength ? Arrays.copyOf(questionIds, maxQueryLength) : questionIds;
        int room = maxLength - q.length - 3;
        if (room <= docStride) {
            // the window would not move forward (HF raises here too); unreachable with the task's params
            throw new IllegalArgumentException("max_length " + maxLength + " leaves " + room + " context tokens a window "
                    + "after a " + q.length + "-token question, not more than doc_stride " + docStride);
        }
        List<Feature> features = new ArrayList<>();
        int n = context.length();
        for (int start = 0; ; start += room - docStride) {
            int end = Math.min(start + room, n);
            features.add(window(question, q, context, start, end));
            if (start + room >= n) {
                return features;
            }
        }
    }

    private static Feature window(int question, long[] q, QaTokenizer.Tokens c, int from, int to) {
        int w = to - from;
        int length = q.length + w + 3;
        long[] ids = new long[length];
        long[] types = new long[length];
        long[] mask = new long[length];
        int[] starts = new int[length];
        int[] ends = new int[length];
        Arrays.fill(mask, 1);
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        ids[0] = QaTokenizer.CLS;
        System.arraycopy(q, 0, ids, 1, q.length);
        ids[q.length + 1] = QaTokenizer.SEP;
        int contextStart = q.length + 2;
        System.arraycopy(c.ids(), from, ids, contextStart, w);
        System.arraycopy(c.starts(), from, starts, contextStart, w);
        System.arraycopy(c.ends(), from, ends, contextStart, w);
        ids[length - 1] = QaTokenizer.SEP;
        Arrays.fill(types, contextStart, length, 1);
        return new Feature(question, ids, types, mask, starts, ends, contextStart, contextStart + w);
    }
}
