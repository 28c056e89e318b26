package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.Gpt2GenerateTask;

/** GPT-2 greedy generation: the same prompt ids and greedy ids in every row, logits within f32 round-off. */
@BenchmarkTask(Gpt2GenerateTask.class)
class Gpt2GenerateTest implements TaskConformance {
}
