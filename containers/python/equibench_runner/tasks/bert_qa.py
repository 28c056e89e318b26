"""Task bert-qa (PROTOCOL.md): extractive question answering with a BertForQuestionAnswering, batch 1, f32.

Both rows share the SQuAD reader, the windowing of long contexts, the exhaustive span choice, the timing and the
outputs; each supplies its tokenizer and its engine's forward pass: `python/transformers` is Hugging Face's
BertForQuestionAnswering on the safetensors weights with transformers' BertTokenizer (the reference),
`python/onnxruntime` runs the exported ONNX graph with the tokenizers library on the same tokenizer.json.
"""

from __future__ import annotations

import json
import time
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..modelfiles.bert import CLS, ONNX_OUTPUTS, SEP, BertShape, check_safetensors, onnx_input_names
from ..modelfiles.gpt2 import read_json
from ..protocol import RunnerError, Spec
from .base import Results, Task
from .classical import read_params, require
from .gpt2_generate import loaded_library, native_fields

CHECKPOINTS = ("seeded", "real-encoder", "real")
# Each shape param and the config.json field that must agree with it.
CONFIG_FIELDS = {"layers": "num_hidden_layers", "heads": "num_attention_heads", "hidden": "hidden_size",
                 "intermediate": "intermediate_size", "vocab": "vocab_size", "max_positions": "max_position_embeddings"}


@dataclass(frozen=True)
class Params:
    question_count: int
    max_length: int
    doc_stride: int
    max_query_length: int
    max_answer_tokens: int
    layers: int
    heads: int
    hidden: int
    intermediate: int
    vocab: int
    max_positions: int
    checkpoint: str

    def __post_init__(self) -> None:
        for name in ("question_count", "max_answer_tokens", "layers", "heads", "hidden", "intermediate", "vocab"):
            require(getattr(self, name) >= 1, f"params.{name} must be at least 1, got {getattr(self, name)}")
        require(self.doc_stride >= 0, f"params.doc_stride must not be negative, got {self.doc_stride}")
        # Every window must move forward: room for context (max_length − question − 3) beyond the overlap.
        require(self.max_length - self.max_query_length - 3 > self.doc_stride,
                f"params.max_length ({self.max_length}) leaves no context room beyond params.doc_stride "
                f"({self.doc_stride}) after a question of params.max_query_length ({self.max_query_length})")
        require(self.max_length <= self.max_positions,
                f"params.max_length ({self.max_length}) exceeds params.max_positions ({self.max_positions})")
        require(self.hidden % self.heads == 0,
                f"params.hidden ({self.hidden}) must be a multiple of params.heads ({self.heads})")
        require(self.checkpoint in CHECKPOINTS,
                f"params.checkpoint must be one of {', '.join(CHECKPOINTS)}, got {self.checkpoint!r}")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    context: str


@dataclass(frozen=True)
class Tokens:
    """A text's tokens, no special tokens added, with character offsets (start, end) into the text."""

    ids: list[int]
    offsets: list[tuple[int, int]]


@dataclass
class Feature:
    question: int
    input_ids: np.ndarray
    token_type_ids: np.ndarray
    offsets: np.ndarray
    # Positions of the window's first and last context token (last < first for a window without context).
    first: int
    last: int


def check_config(path: Path, params: Params) -> None:
    """The Hugging Face config.json must describe the model the params describe."""
    config = read_json(path)
    for param, field in CONFIG_FIELDS.items():
        if config.get(field) != getattr(params, param):
            raise RunnerError(f"{path.name}: {field} is {json.dumps(config.get(field))}, "
                              f"but params.{param} is {getattr(params, param)}")


def read_squad(path: Path, count: int) -> list[Question]:
    """The first `count` questions of a SQuAD 2.0 JSON file, in document order (data → paragraphs → qas)."""
    squad = read_json(path)

    def field(value: Any, key: str, kind: type, where: str) -> Any:
        if not isinstance(value, dict) or key not in value:
            raise RunnerError(f"{path.name}: {where}: field {json.dumps(key)} is missing")
        if not isinstance(value[key], kind):
            raise RunnerError(f"{path.name}: {where}.{key}: expected {kind.__name__}, got "
                              f"{type(value[key]).__name__}")
        return value[key]

    questions: list[Question] = []
    for a, article in enumerate(field(squad, "data", list, "the top level")):
        for p, paragraph in enumerate(field(article, "paragraphs", list, f"data[{a}]")):
            where = f"data[{a}].paragraphs[{p}]"
            context = field(paragraph, "context", str, where)
            for q, qa in enumerate(field(paragraph, "qas", list, where)):
                if len(questions) == count:
                    return questions
                at = f"{where}.qas[{q}]"
                question = field(qa, "question", str, at)
                if not question.strip():
                    raise RunnerError(f"{path.name}: {at}: the question is empty")
                questions.append(Question(str(field(qa, "id", (str, int), at)), question, context))
    if len(questions) < count:
        raise RunnerError(f"{path.name}: {len(questions)} questions, fewer than params.question_count = {count}")
    return questions


def windows(context_length: int, room: int, stride: int) -> list[tuple[int, int]]:
    """[start, end) of each window over the context's tokens: `room` tokens each, consecutive windows overlapping
    by `stride` tokens (Hugging Face's overflow with stride); an empty context gives one empty window."""
    spans, start = [], 0
    while True:
        spans.append((start, min(start + room, context_length)))
        if start + room >= context_length:
            return spans
        start += room - stride


def features(index: int, question: Tokens, context: Tokens, params: Params) -> list[Feature]:
    """[CLS] question [SEP] window [SEP] for each window; token types 0 then 1; offsets −1 outside the context."""
    q = question.ids[:params.max_query_length]
    room = params.max_length - len(q) - 3
    built = []
    for start, end in windows(len(context.ids), room, params.doc_stride):
        window = context.ids[start:end]
        ids = np.array([CLS, *q, SEP, *window, SEP], dtype=np.int64)
        types = np.zeros(len(ids), dtype=np.int64)
        types[len(q) + 2:] = 1
        offsets = np.full((len(ids), 2), -1, dtype=np.int64)
        first = len(q) + 2
        if window:
            offsets[first:first + len(window)] = np.array(context.offsets[start:end], dtype=np.int64)
        built.append(Feature(index, ids, types, offsets, first, first + len(window) - 1))
    return built


def best_span(feature_logits: list[tuple[Feature, np.ndarray, np.ndarray]],
              max_answer_tokens: int) -> tuple[int, int, int] | None:
    """(feature number, start, end) of the largest start + end logit sum (in f64) over every context-token pair
    with start ≤ end < start + max_answer_tokens; ties go to the first pair in (feature, start, end) order."""
    best, best_score = None, -np.inf
    for number, (feature, start_logits, end_logits) in enumerate(feature_logits):
        n = feature.last - feature.first + 1
        if n <= 0:
            continue
        s = start_logits[feature.first:feature.last + 1].astype(np.float64)
        e = end_logits[feature.first:feature.last + 1].astype(np.float64)
        width = min(max_answer_tokens, n)
        # scores[i, d]: start i, end i + d; pairs past the window's end stay −inf.
        scores = np.full((n, width), -np.inf)
        for d in range(width):
            scores[:n - d, d] = s[:n - d] + e[d:]
        flat = int(np.argmax(scores))  # the first maximum in row-major order: smallest start, then end
        score = scores.flat[flat]
        if score > best_score:
            i, d = divmod(flat, width)
            best, best_score = (number, feature.first + i, feature.first + i + d), score
    return best


class BertQa(Task):
    """Shared by both rows: the phases, the outputs and the checks. A row opens its tokenizer and model,
    tokenizes a text (`tokenize`), and runs one feature (`forward`)."""

    phases = ("load", "answer")
    output_names = ("feature_question", "feature_lengths", "input_ids", "token_type_ids", "attention_mask", "offsets",
                    "start_logits", "end_logits", "answer_tokens", "answer_chars", "latency_ns", "model_ns")
    dtypes = ("f32",)
    model_format: str

    questions: list[Question]  # load
    features: list[Feature]  # answer
    logits: list[tuple[np.ndarray, np.ndarray]]  # answer
    answer_tokens: np.ndarray  # answer
    answer_chars: np.ndarray  # answer
    latency_ns: np.ndarray  # answer
    model_ns: np.ndarray  # answer

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.params = read_params(spec, Params)

    @abstractmethod
    def open(self) -> None:
        """Reads the tokenizer and the model file and builds the model or session."""

    @abstractmethod
    def tokenize(self, text: str) -> Tokens:
        """The text's tokens without special tokens, with character offsets."""

    @abstractmethod
    def forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and end logits (f32 [s], on the host) of one feature (int64 [s] each)."""

    @abstractmethod
    def native_engine(self) -> dict[str, str]:
        """The manifest's descriptive native.* fields: the engine and its shared library."""

    @abstractmethod
    def model_shape(self) -> dict[str, int]:
        """layers, heads, hidden and vocab, read back from the loaded model."""

    def inputs_read(self) -> frozenset[Path]:
        return frozenset(self.spec.inputs[role].path for role in self.inputs)

    def load(self) -> None:
        inputs = self.spec.inputs
        check_config(inputs["config"].path, self.params)
        self.open()
        self.questions = read_squad(inputs["squad"].path, self.params.question_count)

    def answer(self) -> None:
        count = self.params.question_count
        all_features: list[Feature] = []
        all_logits: list[tuple[np.ndarray, np.ndarray]] = []
        answer_tokens = np.full((count, 3), -1, dtype=np.int64)
        answer_chars = np.full((count, 2), -1, dtype=np.int64)
        latency_ns = np.empty(count, dtype=np.int64)
        model_ns = np.zeros(count, dtype=np.int64)
        for index, question in enumerate(self.questions):
            start = time.perf_counter_ns()
            tokens = self.tokenize(question.question)
            if not tokens.ids:
                raise RunnerError(f"{self.spec.inputs['squad'].path.name}: question {question.id}: no tokens")
            built = features(index, tokens, self.tokenize(question.context), self.params)
            scored = []
            for feature in built:
                called = time.perf_counter_ns()
                start_logits, end_logits = self.forward(feature.input_ids, np.ones_like(feature.input_ids),
                                                        feature.token_type_ids)
                model_ns[index] += time.perf_counter_ns() - called
                scored.append((feature, start_logits, end_logits))
            span = best_span(scored, self.params.max_answer_tokens)
            latency_ns[index] = time.perf_counter_ns() - start
            if span is not None:
                number, first, last = span
                feature = built[number]
                answer_tokens[index] = (len(all_features) + number, first, last)
                answer_chars[index] = (feature.offsets[first, 0], feature.offsets[last, 1])
            all_features.extend(built)
            all_logits.extend((s, e) for _, s, e in scored)
        self.features, self.logits = all_features, all_logits
        self.answer_tokens, self.answer_chars = answer_tokens, answer_chars
        self.latency_ns, self.model_ns = latency_ns, model_ns

    def ops_per_sample(self, phase: str) -> int:
        return {"load": 1, "answer": self.params.question_count}[phase]

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase != "answer":
            return super().phase_outputs(phase)
        # Every output: the features, their logits and the answers, concatenated over all features.
        features = self.features
        return {
            "feature_question": np.array([f.question for f in features], dtype=np.int64),
            "feature_lengths": np.array([len(f.input_ids) for f in features], dtype=np.int64),
            "input_ids": np.concatenate([f.input_ids for f in features]),
            "token_type_ids": np.concatenate([f.token_type_ids for f in features]),
            "attention_mask": np.ones(sum(len(f.input_ids) for f in features), dtype=np.int64),
            "offsets": np.concatenate([f.offsets for f in features]),
            "start_logits": np.concatenate([s for s, _ in self.logits]).astype(np.float32),
            "end_logits": np.concatenate([e for _, e in self.logits]).astype(np.float32),
            "answer_tokens": self.answer_tokens,
            "answer_chars": self.answer_chars,
            "latency_ns": self.latency_ns,
            "model_ns": self.model_ns,
        }

    def manifest_hyperparameters(self) -> dict[str, Any]:
        p = self.params
        return {"model_format": self.model_format, **self.model_shape(), "max_length": p.max_length,
                "doc_stride": p.doc_stride, "max_query_length": p.max_query_length,
                "max_answer_tokens": p.max_answer_tokens, "question_count": len(self.questions)}

    def results(self) -> Results:
        notes = []
        if self.params.checkpoint != "real":
            notes.append("seeded QA head (and, at CI scale, a seeded encoder): the spans are meaningless, the "
                         "computation is BertForQuestionAnswering's")
        features = self.features
        margins = []
        for index in range(self.params.question_count):
            mine = [(f, *self.logits[n]) for n, f in enumerate(features) if f.question == index]
            margins.append(span_margin(mine, self.params.max_answer_tokens))
        finite = [m for m in margins if np.isfinite(m)]
        return Results(
            outputs=self.outputs_of("answer"),
            metrics={
                "features": len(features),
                # The closest any question's best span came to its runner-up: how much rounding a row may differ
                # by before its spans do.
                "min_span_margin": float(min(finite)) if finite else float("nan"),
            },
            notes=notes,
        )


def span_margin(feature_logits: list[tuple[Feature, np.ndarray, np.ndarray]], max_answer_tokens: int) -> float:
    """The best span's score minus the second best's (inf when a question has at most one candidate)."""
    scores = []
    for feature, s, e in feature_logits:
        for i in range(feature.first, feature.last + 1):
            for j in range(i, min(i + max_answer_tokens, feature.last + 1)):
                scores.append(float(s[i]) + float(e[j]))
    if len(scores) < 2:
        return float("inf")
    top = np.partition(np.array(scores), -2)[-2:]
    return float(top[1] - top[0])


# ---- python/transformers -------------------------------------------------------------------------------

class TransformersBertQa(BertQa):
    """Hugging Face's BertForQuestionAnswering in eval mode under torch.inference_mode, eager attention, with
    transformers' BertTokenizer on tokenizer.json."""

    implements = ("bert-qa", "python/transformers")
    framework = "transformers"
    model_format = "safetensors"
    inputs = ("config", "weights", "tokenizer", "squad")
    unread_inputs = ("onnx", "torchscript", "vocab")
    devices = ("cpu", "cuda")

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        # Imported here: the onnxruntime row must not carry torch in its RSS (see gpt2_generate).
        import torch
        from transformers import BertForQuestionAnswering, BertTokenizer
        from transformers.utils import logging

        self.torch = torch
        self.model_class, self.tokenizer_class = BertForQuestionAnswering, BertTokenizer
        logging.disable_progress_bar()
        torch.set_num_threads(spec.threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
        self.device = torch.device(spec.device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise RunnerError(f"spec: device cuda, but torch {torch.__version__} sees no CUDA device "
                              f"(torch.cuda.is_available() is False)")

    def open(self) -> None:
        config, weights = self.spec.inputs["config"].path, self.spec.inputs["weights"].path
        if weights != config.with_name("model.safetensors") or config.name != "config.json":
            raise RunnerError(f"spec: from_pretrained reads config.json and model.safetensors from one folder; got "
                              f"{config} and {weights}")
        check_safetensors(weights, BertShape.from_config(config), prefix="bert.")
        model = self.model_class.from_pretrained(config.parent, dtype=self.torch.float32, local_files_only=True,
                                                 attn_implementation="eager")
        self.model = model.to(self.device).eval()  # type: ignore[arg-type]
        tokenizer_path = self.spec.inputs["tokenizer"].path
        self.tokenizer = self.tokenizer_class(tokenizer_file=str(tokenizer_path))
        check_tokenizer(tokenizer_path, len(self.tokenizer), self.tokenizer.cls_token_id, self.tokenizer.sep_token_id,
                        self.params.vocab)

    def tokenize(self, text: str) -> Tokens:
        encoded = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return Tokens(encoded["input_ids"], [tuple(o) for o in encoded["offset_mapping"]])

    def forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        torch = self.torch
        with torch.inference_mode():
            out = self.model(input_ids=torch.from_numpy(ids)[None].to(self.device),
                             attention_mask=torch.from_numpy(mask)[None].to(self.device),
                             token_type_ids=torch.from_numpy(types)[None].to(self.device))
            return out.start_logits[0].cpu().numpy(), out.end_logits[0].cpu().numpy()

    def model_shape(self) -> dict[str, int]:
        config = self.model.config
        return {"layers": len(self.model.bert.encoder.layer), "heads": int(config.num_attention_heads),
                "hidden": int(self.model.bert.embeddings.word_embeddings.embedding_dim),
                "vocab": int(self.model.bert.embeddings.word_embeddings.num_embeddings)}

    def compute_dtype(self) -> np.dtype:
        return self.torch.empty(0, dtype=self.model.qa_outputs.weight.dtype).numpy().dtype

    def hyperparameters(self) -> dict[str, Any]:
        torch = self.torch
        return {
            "attn_implementation": self.model.config._attn_implementation,
            "device": str(self.model.device),
            "torch_num_threads": torch.get_num_threads(),
            "torch_num_interop_threads": torch.get_num_interop_threads(),
            "float32_matmul_precision": torch.get_float32_matmul_precision(),
            "hidden_act": self.model.config.hidden_act,
            "layer_norm_eps": self.model.config.layer_norm_eps,
        }

    def native_engine(self) -> dict[str, str]:
        library = "libtorch_cuda.so" if self.device.type == "cuda" else "libtorch_cpu.so"
        return native_fields(f"libtorch {self.torch.__version__}", loaded_library(library))


def check_tokenizer(path: Path, size: int, cls: int | None, sep: int | None, vocab: int) -> None:
    """The tokenizer must have the model's vocabulary size and BERT's [CLS] and [SEP] ids."""
    if size != vocab:
        raise RunnerError(f"{path.name}: {size} tokens, but the model's vocab_size (params.vocab) is {vocab}")
    if (cls, sep) != (CLS, SEP):
        raise RunnerError(f"{path.name}: [CLS] and [SEP] have ids {cls} and {sep}, expected {CLS} and {SEP}")


# ---- python/onnxruntime --------------------------------------------------------------------------------

class OnnxRuntimeBertQa(BertQa):
    """onnxruntime's CPU session on the exported graph, the tokenizers library on tokenizer.json."""

    implements = ("bert-qa", "python/onnxruntime")
    framework = "onnxruntime"
    model_format = "onnx"
    inputs = ("config", "onnx", "tokenizer", "squad")
    unread_inputs = ("weights", "torchscript", "vocab")

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        import onnxruntime as ort
        import tokenizers

        self.ort, self.tokenizers = ort, tokenizers
        options = ort.SessionOptions()
        options.intra_op_num_threads = spec.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.options = options

    def open(self) -> None:
        path = self.spec.inputs["onnx"].path
        self.session = self.ort.InferenceSession(str(path), sess_options=self.options,
                                                 providers=["CPUExecutionProvider"])
        inputs = [i.name for i in self.session.get_inputs()]
        outputs = [o.name for o in self.session.get_outputs()]
        if sorted(inputs) != sorted(onnx_input_names()) or sorted(outputs) != sorted(ONNX_OUTPUTS):
            raise RunnerError(f"{path.name}: inputs {inputs} and outputs {outputs}, expected {onnx_input_names()} "
                              f"and {ONNX_OUTPUTS}")
        tokenizer_path = self.spec.inputs["tokenizer"].path
        self.tokenizer = self.tokenizers.Tokenizer.from_file(str(tokenizer_path))
        check_tokenizer(tokenizer_path, self.tokenizer.get_vocab_size(), self.tokenizer.token_to_id("[CLS]"),
                        self.tokenizer.token_to_id("[SEP]"), self.params.vocab)

    def tokenize(self, text: str) -> Tokens:
        encoded = self.tokenizer.encode(text, add_special_tokens=False)
        return Tokens(encoded.ids, encoded.offsets)

    def forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.session.run(ONNX_OUTPUTS, {"input_ids": ids[None], "attention_mask": mask[None],
                                                     "token_type_ids": types[None]})
        return start[0], end[0]

    def model_shape(self) -> dict[str, int]:
        # The graph's weights are constants folded into its nodes: the shape comes from config.json, which load
        # checked against the params, and the graph's inputs were checked to be BERT's.
        config = read_json(self.spec.inputs["config"].path)
        return {"layers": int(config["num_hidden_layers"]), "heads": int(config["num_attention_heads"]),
                "hidden": int(config["hidden_size"]), "vocab": int(config["vocab_size"])}

    def compute_dtype(self) -> np.dtype:
        types = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16}
        return np.dtype(types[self.session.get_outputs()[0].type])

    def hyperparameters(self) -> dict[str, Any]:
        options = self.session.get_session_options()
        return {
            "providers": self.session.get_providers(),
            "intra_op_num_threads": options.intra_op_num_threads,
            "inter_op_num_threads": options.inter_op_num_threads,
            "execution_mode": str(options.execution_mode),
            "graph_optimization_level": str(options.graph_optimization_level),
            "producer": self.session.get_modelmeta().producer_name,
        }

    def native_engine(self) -> dict[str, str]:
        return native_fields(f"onnxruntime {self.ort.__version__}", loaded_library("onnxruntime_pybind11_state"))
