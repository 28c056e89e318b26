package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.BertQaTask;

/** BERT question answering: the same features and spans in every row, logits within f32 round-off. */
@BenchmarkTask(BertQaTask.class)
class BertQaTest implements TaskConformance {
}
