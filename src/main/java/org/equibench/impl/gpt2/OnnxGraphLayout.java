package org.equibench.impl.gpt2;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.impl.core.RunnerError;

/**
 * The task's ONNX graph as the session reports it: the past/present names of every layer and the model's
 * dimensions read from the declared shapes (past {@code [1, heads, p, d_head]}, logits {@code [1, s, vocab]}).
 * A graph that does not have the protocol's inputs and outputs fails here, naming the file and what is missing.
 */
record OnnxGraphLayout(ModelDimensions dimensions, String[] pastNames, String[] presentNames) {

    static OnnxGraphLayout read(OrtSession session, String file) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        require(inputs, file, "input", OrtGpt2Engine.INPUT_IDS);
        require(inputs, file, "input", OrtGpt2Engine.POSITION_IDS);
        require(outputs, file, "output", OrtGpt2Engine.LOGITS);
        int layers = 0;
        while (inputs.containsKey(pastKey(layers))) {
            layers++;
        }
        if (layers == 0) {
            throw new RunnerError(file + ": no input " + pastKey(0) + " (inputs: " + String.join(", ", inputs.keySet()) + ")");
        }
        List<String> past = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (String kind : List.of("key", "value")) {
                past.add(require(inputs, file, "input", "past_key_values." + layer + "." + kind));
                present.add(require(outputs, file, "output", "present." + layer + "." + kind));
            }
        }
        long[] pastShape = shape(inputs, pastKey(0));
        long[] logitsShape = shape(outputs, OrtGpt2Engine.LOGITS);
        int heads = fixed(file, pastKey(0), pastShape, 1);
        int headSize = fixed(file, pastKey(0), pastShape, 3);
        int vocab = fixed(file, OrtGpt2Engine.LOGITS, logitsShape, 2);
        return new OnnxGraphLayout(new ModelDimensions(layers, heads, heads * headSize, vocab),
                past.toArray(String[]::new), present.toArray(String[]::new));
    }

    /** The element type of the logits, as the manifest writes a dtype. */
    static String dtype(OrtSession session) throws OrtException {
        OnnxJavaType type = ((TensorInfo) session.getOutputInfo().get(OrtGpt2Engine.LOGITS).getInfo()).type;
        return type == OnnxJavaType.FLOAT ? "f32" : type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    private static String require(Map<String, NodeInfo> nodes, String file, String what, String name) {
        if (!nodes.containsKey(name)) {
            throw new RunnerError(file + ": no " + what + " " + name + " (" + what + "s: " + String.join(", ", nodes.keySet()) + ")");
        }
        return name;
    }

    private static long[] shape(Map<String, NodeInfo> nodes, String name) {
        return ((TensorInfo) nodes.get(name).getInfo()).getShape();
    }

    /** A dimension the graph must declare as a number (heads, head size, vocabulary), not as a symbol. */
    private static int fixed(String file, String name, long[] shape, int axis) {
        if (shape.length <= axis || shape[axis] <= 0) {
            throw new RunnerError(file + ": " + name + " has shape " + java.util.Arrays.toString(shape)
                    + ", whose axis " + axis + " should be a fixed size");
        }
        return Math.toIntExact(shape[axis]);
    }
}
