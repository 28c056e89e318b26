"""Task gpt2-generate (PROTOCOL.md): greedy generation with a GPT-2 and a KV cache, batch 1, f32.

Both rows share the prompts, the checks, the prefill and decode loops (argmax with the lowest id winning ties,
the top-2 logits, the step timing) and the outputs; each supplies its engine's forward step:
`python/transformers` is Hugging Face's GPT2LMHeadModel on the safetensors weights (the reference),
`python/onnxruntime` runs the exported ONNX graph. Both tokenize with the `tokenizer` input (tokenizer.json),
so encoder.json and vocab.bpe are listed but not read.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import json
import time
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from ..modelfiles.gpt2 import Gpt2Shape, check_safetensors, onnx_input_names, onnx_output_names, read_json
from ..protocol import RunnerError, Spec
from .base import Results, Task
from .classical import read_params, require

CHECKPOINTS = ("seeded", "real")
# Each shape param and the config.json field that must agree with it.
CONFIG_FIELDS = {"layers": "n_layer", "heads": "n_head", "d_model": "n_embd", "vocab": "vocab_size",
                 "context": "n_positions"}


@dataclass(frozen=True)
class Params:
    prompt_count: int
    new_tokens: int
    layers: int
    heads: int
    d_model: int
    vocab: int
    context: int
    checkpoint: str

    def __post_init__(self) -> None:
        for name in ("prompt_count", "layers", "heads", "d_model", "vocab", "context"):
            require(getattr(self, name) >= 1, f"params.{name} must be at least 1, got {getattr(self, name)}")
        # Token 0 comes from the prefill; decode needs at least one step to time.
        require(self.new_tokens >= 2, f"params.new_tokens must be at least 2, got {self.new_tokens}")
        require(self.d_model % self.heads == 0,
                f"params.d_model ({self.d_model}) must be a multiple of params.heads ({self.heads})")
        require(self.checkpoint in CHECKPOINTS,
                f"params.checkpoint must be one of {', '.join(CHECKPOINTS)}, got {self.checkpoint!r}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.heads


def check_config(path: Path, params: Params) -> None:
    """The Hugging Face config.json must describe the model the params describe."""
    config = read_json(path)
    for param, field in CONFIG_FIELDS.items():
        if config.get(field) != getattr(params, param):
            raise RunnerError(f"{path.name}: {field} is {json.dumps(config.get(field))}, "
                              f"but params.{param} is {getattr(params, param)}")


def read_prompts(path: Path, count: int) -> list[str]:
    """The first `count` lines, each a non-empty prompt."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise RunnerError(f"{path.name}: not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise RunnerError(f"cannot read {path}: {e.strerror}") from None
    if not lines:
        raise RunnerError(f"{path.name}: no prompts (the file is empty)")
    prompts = lines[:count]
    if len(prompts) < count:
        raise RunnerError(f"{path.name}: {len(prompts)} lines, fewer than params.prompt_count = {count}")
    for number, prompt in enumerate(prompts, start=1):
        if not prompt.strip():
            raise RunnerError(f"{path.name} line {number}: empty prompt")
    return prompts


def argmax(logits: np.ndarray) -> int:
    """The greedy token; np.argmax returns the first maximum, so a tie goes to the lowest id."""
    return int(np.argmax(logits))


def top_two(logits: np.ndarray) -> np.ndarray:
    """The largest and the second-largest logit (equal when the top is tied)."""
    return np.partition(logits, -2)[:-3:-1]


def loaded_library(fragment: str) -> Path | None:
    """The first shared object mapped into this process whose file name contains `fragment`."""
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return None
    for line in maps:
        fields = line.split(maxsplit=5)  # address, permissions, offset, device, inode and, if any, the path
        if len(fields) == 6 and fragment in Path(fields[5]).name:
            return Path(fields[5])
    return None


def native_fields(engine: str, library: Path | None) -> dict[str, str]:
    """The manifest's descriptive native.* fields: the engine, and the library the process has mapped."""
    if library is None:
        return {"native.engine": engine, "native.library": "not found", "native.sha256": "unknown"}
    with library.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return {"native.engine": engine, "native.library": str(library), "native.sha256": digest}


Cache = TypeVar("Cache")


class Gpt2Generate(Task, Generic[Cache]):
    """Shared by both rows: the phases, the outputs and the checks. A row opens its model and tokenizer and runs
    one forward step, `forward(ids, positions, cache) -> (logits of the last position, the cache after it)`."""

    phases = ("load", "prefill", "decode")
    output_names = ("prompt_ids", "prompt_lengths", "first_logits", "generated_ids", "step_top2", "decode_step_ns")
    dtypes = ("f32",)
    # What the row reads its model from, for the manifest's hp.model_format.
    model_format: str

    # Set by the phases.
    prompt_ids: list[np.ndarray]  # load
    first_logits: np.ndarray  # prefill
    caches: list[Cache]  # prefill
    generated_ids: np.ndarray  # decode
    step_top2: np.ndarray  # decode
    decode_step_ns: np.ndarray  # decode

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.params = read_params(spec, Params)

    @abstractmethod
    def open(self) -> None:
        """Reads the tokenizer and the model files and builds the model or session."""

    @abstractmethod
    def tokenize(self, text: str) -> list[int]:
        """The prompt's ids, nothing added."""

    @abstractmethod
    def empty_cache(self) -> Cache:
        """The cache of no tokens, for a prefill."""

    @abstractmethod
    def forward(self, ids: np.ndarray, positions: np.ndarray, cache: Cache) -> tuple[np.ndarray, Cache]:
        """Runs ids (int64 [s]) at positions (int64 [s]) after the cache; returns the last position's logits (f32
        [vocab], on the host) and the cache extended by these tokens. The given cache may be changed."""

    def fork(self, cache: Cache) -> Cache:
        """A cache that forward may extend without changing `cache`; rows whose forward never changes its
        cache argument return it as it is."""
        return cache

    def synchronize(self) -> None:
        """Waits for the device, so that a time taken after it covers all work queued before it."""

    @abstractmethod
    def native_engine(self) -> dict[str, str]:
        """The manifest's descriptive native.* fields (runtime.NativeEngine): the engine and its shared library."""

    def inputs_read(self) -> frozenset[Path]:
        """Every input the row reads (runtime.NativeEngine): the model files are opened by the engine, not by
        data.py's readers."""
        return frozenset(self.spec.inputs[role].path for role in self.inputs)

    def load(self) -> None:
        inputs = self.spec.inputs
        check_config(inputs["config"].path, self.params)
        prompts = read_prompts(inputs["prompts"].path, self.params.prompt_count)
        self.open()
        self.prompt_ids = [np.array(self.tokenize(prompt), dtype=np.int64) for prompt in prompts]
        for number, ids in enumerate(self.prompt_ids, start=1):
            # The last fed token, new_tokens - 1 steps after the prompt, must still have a position.
            if len(ids) + self.params.new_tokens - 1 > self.params.context:
                raise RunnerError(f"{inputs['prompts'].path.name} line {number}: {len(ids)} tokens and "
                                  f"{self.params.new_tokens} new tokens exceed the context of {self.params.context}")
        self.synchronize()

    def prefill(self) -> None:
        first_logits = np.empty((self.params.prompt_count, self.params.vocab), dtype=np.float32)
        caches = []
        for i, ids in enumerate(self.prompt_ids):
            logits, cache = self.forward(ids, np.arange(len(ids), dtype=np.int64), self.empty_cache())
            first_logits[i] = logits
            caches.append(cache)
        self.synchronize()
        self.first_logits, self.caches = first_logits, caches

    def decode(self) -> None:
        count, n = self.params.prompt_count, self.params.new_tokens
        generated = np.empty((count, n), dtype=np.int64)
        top2 = np.empty((count, n, 2), dtype=np.float32)
        step_ns = np.empty((count, n - 1), dtype=np.int64)
        for i, ids in enumerate(self.prompt_ids):
            # Every repetition starts from the prefill's cache as the prefill left it.
            cache = self.fork(self.caches[i])
            token = argmax(self.first_logits[i])
            generated[i, 0], top2[i, 0] = token, top_two(self.first_logits[i])
            for step in range(1, n):
                start = time.perf_counter_ns()
                logits, cache = self.forward(np.array([token], dtype=np.int64),
                                             np.array([len(ids) + step - 1], dtype=np.int64), cache)
                token = argmax(logits)
                self.synchronize()
                step_ns[i, step - 1] = time.perf_counter_ns() - start
                generated[i, step], top2[i, step] = token, top_two(logits)
        self.generated_ids, self.step_top2, self.decode_step_ns = generated, top2, step_ns

    def ops_per_sample(self, phase: str) -> int:
        return {"load": 1, "prefill": self.params.prompt_count,
                "decode": self.params.prompt_count * (self.params.new_tokens - 1)}[phase]

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "load":
            return {"prompt_ids": np.concatenate(self.prompt_ids),
                    "prompt_lengths": np.array([len(ids) for ids in self.prompt_ids], dtype=np.int64)}
        if phase == "prefill":
            return {"first_logits": self.first_logits}
        if phase == "decode":
            return {"generated_ids": self.generated_ids, "step_top2": self.step_top2,
                    "decode_step_ns": self.decode_step_ns}
        return super().phase_outputs(phase)

    @abstractmethod
    def model_shape(self) -> dict[str, int]:
        """layers, heads, d_model and vocab, read back from the loaded model."""

    def manifest_hyperparameters(self) -> dict[str, Any]:
        return {
            "new_tokens": self.params.new_tokens,
            "prompt_count": len(self.prompt_ids),
            "decoding": "greedy",
            "kv_cache": self.uses_kv_cache(),
            "model_format": self.model_format,
            **self.model_shape(),
        }

    @abstractmethod
    def uses_kv_cache(self) -> bool:
        """Whether the model reuses past keys and values, read back from it."""

    def results(self) -> Results:
        margins = self.step_top2[:, :, 0] - self.step_top2[:, :, 1]
        notes = []
        if self.params.checkpoint == "seeded":
            notes.append("seeded random weights, not OpenAI's GPT-2: the text is meaningless, the computation is "
                         "GPT-2's")
        return Results(
            outputs=self.outputs_of("load", "prefill", "decode"),
            metrics={
                "prompt_tokens": int(sum(len(ids) for ids in self.prompt_ids)),
                # The closest any greedy choice came to a tie: how much rounding a row may differ by before its
                # tokens do.
                "min_top2_margin": float(margins.min()),
            },
            notes=notes,
        )


# ---- python/transformers -------------------------------------------------------------------------------

class TransformersGpt2(Gpt2Generate[Any]):
    """Hugging Face's GPT2LMHeadModel in eval mode under torch.inference_mode, its DynamicCache as the KV cache."""

    implements = ("gpt2-generate", "python/transformers")
    framework = "transformers"
    model_format = "safetensors"
    inputs = ("config", "weights", "tokenizer", "prompts")
    unread_inputs = ("onnx", "torchscript", "gguf", "encoder", "merges")
    devices = ("cpu", "cuda")

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        # Imported here, not at the top: the onnxruntime row must not carry torch in its RSS, and the core's
        # threadpool_limits only reaches native libraries loaded before it starts (transformers' model classes
        # load scipy's OpenBLAS too).
        # GPT2Tokenizer is transformers 5's name for the tokenizers-backed GPT2TokenizerFast.
        import torch
        from transformers import Cache, DynamicCache, GPT2LMHeadModel, GPT2Tokenizer
        from transformers.utils import logging

        self.torch = torch
        self.model_class, self.tokenizer_class = GPT2LMHeadModel, GPT2Tokenizer
        self.cache_class, self.cache_base = DynamicCache, Cache
        logging.disable_progress_bar()
        torch.set_num_threads(spec.threads)
        try:
            # Operators run one after another, each on `threads` threads, as the onnxruntime row's sequential
            # execution. Settable once per process, before any parallel work: a second run in one process (tests)
            # keeps the first setting, reported by hyperparameters().
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
        # from_pretrained's own message for a tensor of another shape names neither the file nor the tensor.
        check_safetensors(weights, Gpt2Shape.from_config(config))
        model = self.model_class.from_pretrained(config.parent, dtype=self.torch.float32, local_files_only=True)
        self.model = model.to(self.device).eval()  # type: ignore[arg-type]  # the stubs take .to for a dtype cast
        if self.model.lm_head.weight.data_ptr() != self.model.transformer.wte.weight.data_ptr():
            raise RunnerError(f"{weights.name}: lm_head is not tied to wte after loading")
        tokenizer_path = self.spec.inputs["tokenizer"].path
        self.tokenizer = self.tokenizer_class(tokenizer_file=str(tokenizer_path))
        if len(self.tokenizer) != self.params.vocab:
            raise RunnerError(f"{tokenizer_path.name}: {len(self.tokenizer)} tokens, "
                              f"params.vocab is {self.params.vocab}")

    def tokenize(self, text: str) -> list[int]:
        return self.tokenizer(text)["input_ids"]

    def empty_cache(self) -> Any:
        return self.cache_class(config=self.model.config)

    def fork(self, cache: Any) -> Any:
        # DynamicCache grows in place; the prefill's must stay as it was for the next repetition.
        with self.torch.inference_mode():
            return copy.deepcopy(cache)

    @functools.cached_property
    def cache_arg(self) -> str:
        # transformers 5.25 names the KV cache `cache`; earlier 5.x releases (5.17 on the GPU machine) named it
        # `past_key_values` and would silently ignore `cache`.
        return "cache" if "cache" in inspect.signature(self.model.forward).parameters else "past_key_values"

    def forward(self, ids: np.ndarray, positions: np.ndarray, cache: Any) -> tuple[np.ndarray, Any]:
        torch = self.torch
        with torch.inference_mode():
            cache_arg = self.cache_arg
            out = self.model(input_ids=torch.from_numpy(ids)[None].to(self.device),
                             position_ids=torch.from_numpy(positions)[None].to(self.device),
                             use_cache=True, **{cache_arg: cache})
            return out.logits[0, -1].cpu().numpy(), getattr(out, cache_arg)

    def synchronize(self) -> None:
        if self.device.type == "cuda":
            self.torch.cuda.synchronize(self.device)

    def model_shape(self) -> dict[str, int]:
        transformer = self.model.transformer
        return {"layers": len(transformer.h), "heads": int(transformer.h[0].attn.num_heads),
                "d_model": int(transformer.wte.embedding_dim), "vocab": int(self.model.lm_head.out_features)}

    def uses_kv_cache(self) -> bool:
        return bool(self.model.config.use_cache) and all(isinstance(c, self.cache_base) for c in self.caches)

    def compute_dtype(self) -> np.dtype:
        return self.torch.empty(0, dtype=self.model.transformer.wte.weight.dtype).numpy().dtype

    def hyperparameters(self) -> dict[str, Any]:
        torch = self.torch
        return {
            "attn_implementation": self.model.config._attn_implementation,
            "cache": type(self.caches[0]).__name__,
            "device": str(self.model.device),
            "torch_num_threads": torch.get_num_threads(),
            "torch_num_interop_threads": torch.get_num_interop_threads(),
            # "highest": f32 matrix products in f32, no TF32 on a GPU.
            "float32_matmul_precision": torch.get_float32_matmul_precision(),
            "activation_function": self.model.config.activation_function,
            "layer_norm_epsilon": self.model.config.layer_norm_epsilon,
            "tie_word_embeddings": self.model.config.tie_word_embeddings,
        }

    def native_engine(self) -> dict[str, str]:
        library = "libtorch_cuda.so" if self.device.type == "cuda" else "libtorch_cpu.so"
        return native_fields(f"libtorch {self.torch.__version__}", loaded_library(library))


# ---- python/onnxruntime --------------------------------------------------------------------------------

class OnnxRuntimeGpt2(Gpt2Generate[list[np.ndarray]]):
    """onnxruntime's CPU session on the exported graph; the cache is the graph's present outputs, fed back as
    the next step's past inputs (never changed by a run, so a cache needs no copy)."""

    implements = ("gpt2-generate", "python/onnxruntime")
    framework = "onnxruntime"
    model_format = "onnx"
    inputs = ("config", "onnx", "tokenizer", "prompts")
    unread_inputs = ("weights", "torchscript", "gguf", "encoder", "merges")

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
        self.past_names = onnx_input_names(self.params.layers)[2:]
        self.graph_outputs = onnx_output_names(self.params.layers)

    def open(self) -> None:
        path = self.spec.inputs["onnx"].path
        self.session = self.ort.InferenceSession(str(path), sess_options=self.options,
                                                 providers=["CPUExecutionProvider"])
        self.check_graph(path)
        tokenizer_path = self.spec.inputs["tokenizer"].path
        # The library GPT2TokenizerFast wraps, on the same tokenizer.json, without importing transformers.
        self.tokenizer = self.tokenizers.Tokenizer.from_file(str(tokenizer_path))
        if self.tokenizer.get_vocab_size() != self.params.vocab:
            raise RunnerError(f"{tokenizer_path.name}: {self.tokenizer.get_vocab_size()} tokens, "
                              f"params.vocab is {self.params.vocab}")
        p = self.params
        self.empty = [np.zeros((1, p.heads, 0, p.d_head), dtype=np.float32)] * (2 * p.layers)

    def check_graph(self, path: Path) -> None:
        """The graph's inputs and outputs must be those PROTOCOL.md names, for the params' shape."""
        inputs = {i.name: i for i in self.session.get_inputs()}
        outputs = {o.name: o for o in self.session.get_outputs()}
        expected_inputs = onnx_input_names(self.params.layers)
        if sorted(inputs) != sorted(expected_inputs) or sorted(outputs) != sorted(self.graph_outputs):
            raise RunnerError(f"{path.name}: inputs {sorted(inputs)} and outputs {sorted(outputs)}, expected "
                              f"{expected_inputs} and {self.graph_outputs} for params.layers = {self.params.layers}")
        found = tuple(inputs[self.past_names[0]].shape)
        if found[1] != self.params.heads or found[3] != self.params.d_head:
            raise RunnerError(f"{path.name}: {self.past_names[0]} has shape {found}, params imply "
                              f"[1, {self.params.heads}, past, {self.params.d_head}]")
        if outputs["logits"].shape[2] != self.params.vocab:
            raise RunnerError(f"{path.name}: logits has shape {outputs['logits'].shape}, "
                              f"params.vocab is {self.params.vocab}")

    def tokenize(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def empty_cache(self) -> list[np.ndarray]:
        return self.empty

    def forward(self, ids: np.ndarray, positions: np.ndarray,
                cache: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        feeds = {"input_ids": ids[None], "position_ids": positions[None],
                 **dict(zip(self.past_names, cache, strict=True))}
        logits, *present = self.session.run(self.graph_outputs, feeds)
        return logits[0, -1], present

    def model_shape(self) -> dict[str, int]:
        past = self.session.get_inputs()[2].shape
        return {"layers": sum(i.name.startswith("past_key_values.") for i in self.session.get_inputs()) // 2,
                "heads": int(past[1]), "d_model": int(past[1] * past[3]),
                "vocab": int(self.session.get_outputs()[0].shape[2])}

    def uses_kv_cache(self) -> bool:
        return any(i.name.startswith("past_key_values.") for i in self.session.get_inputs())

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
