"""GPT-2's weights and configuration (PROTOCOL.md, "Task `gpt2-generate`"): the tensor layout, seeded weights,
a user's Hugging Face checkpoint checked against its own config.json, the config, safetensors and tokenizer
files, and the ONNX graph's input and output names. Free of torch, so that the runner can share the names.

Weights are kept as {original GPT-2 name: f32 array} in layout() order, Conv1D weights [in, out] as GPT-2 stores
them; each exporter converts from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..protocol import RunnerError

VOCAB = 50257
END_OF_TEXT = 50256
# The standard deviation of every seeded tensor. GPT-2's own initialisation (0.02, LayerNorm at exactly 1 and 0)
# gives a random model that repeats a few tokens, so a dropped bias or a transposed weight would go unnoticed;
# at 0.1 the greedy continuation changes from step to step and such a mistake changes the tokens.
SEED_STD = 0.1
# Keys of a Hugging Face checkpoint that are no weights: the causal-mask buffers older checkpoints still carry.
BUFFER_SUFFIXES = (".attn.bias", ".attn.masked_bias")


@dataclass(frozen=True)
class Gpt2Shape:
    layers: int
    heads: int
    d_model: int
    context: int
    vocab: int = VOCAB
    layer_norm_epsilon: float = 1e-5
    # The MLP's inner width; Hugging Face's n_inner, 4 · d_model when unset.
    d_inner: int = 0

    def __post_init__(self) -> None:
        for name in ("layers", "heads", "d_model", "context", "vocab"):
            if getattr(self, name) < 1:
                raise RunnerError(f"gpt2: {name} must be at least 1, got {getattr(self, name)}")
        if self.d_model % self.heads:
            raise RunnerError(f"gpt2: d_model {self.d_model} is not a multiple of heads {self.heads}")
        if self.d_inner == 0:
            object.__setattr__(self, "d_inner", 4 * self.d_model)

    @property
    def d_head(self) -> int:
        return self.d_model // self.heads

    def config(self) -> dict[str, Any]:
        """config.json as Hugging Face's GPT2Config reads it; written from this dict alone, so that its bytes
        do not depend on the installed transformers."""
        return {
            "activation_function": "gelu_new",
            "architectures": ["GPT2LMHeadModel"],
            "bos_token_id": END_OF_TEXT,
            "dtype": "float32",
            "eos_token_id": END_OF_TEXT,
            "layer_norm_epsilon": self.layer_norm_epsilon,
            "model_type": "gpt2",
            "n_embd": self.d_model,
            "n_head": self.heads,
            "n_inner": None if self.d_inner == 4 * self.d_model else self.d_inner,
            "n_layer": self.layers,
            "n_positions": self.context,
            "tie_word_embeddings": True,
            "use_cache": True,
            "vocab_size": self.vocab,
        }

    @classmethod
    def from_config(cls, path: Path) -> Gpt2Shape:
        """The shape a Hugging Face GPT-2 config.json describes; anything this GPT-2 does not compute fails."""
        config = read_json(path)

        def field(key: str, kind: type = int, default: Any = None) -> Any:
            """A number of config.json; absent or null takes the default, if the key has one."""
            value = config.get(key)
            if value is None:
                if default is None:
                    raise RunnerError(f"{path.name}: no {key}")
                return default
            if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else kind):
                raise RunnerError(f"{path.name}: {key} is {json.dumps(value)}, not {kind.__name__}")
            return value

        # Settings under which the exported graphs would compute something else than the checkpoint's model.
        expected = {"model_type": "gpt2", "activation_function": "gelu_new", "tie_word_embeddings": True,
                    "scale_attn_weights": True, "scale_attn_by_inverse_layer_idx": False,
                    "add_cross_attention": False}
        for key, want in expected.items():
            if config.get(key, want) != want:
                raise RunnerError(f"{path.name}: {key} is {json.dumps(config[key])}, only {json.dumps(want)} "
                                  f"is supported")
        shape = cls(layers=field("n_layer"), heads=field("n_head"), d_model=field("n_embd"),
                    context=field("n_positions"), vocab=field("vocab_size"),
                    layer_norm_epsilon=float(field("layer_norm_epsilon", float, 1e-5)),
                    d_inner=field("n_inner", int, 0))
        if shape.vocab != VOCAB:
            raise RunnerError(f"{path.name}: vocab_size is {shape.vocab}, the GPT-2 tokenizer has {VOCAB}")
        return shape


def layout(shape: Gpt2Shape) -> dict[str, tuple[int, ...]]:
    """Every tensor's original GPT-2 name and shape, in the order the seeded weights are drawn: wte, wpe, then per
    layer ln_1 (weight, bias), attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj (weight, bias each), and ln_f.
    No lm_head (tied to wte), no attn.bias mask buffers."""
    d, inner = shape.d_model, shape.d_inner
    tensors: dict[str, tuple[int, ...]] = {"wte.weight": (shape.vocab, d), "wpe.weight": (shape.context, d)}
    for i in range(shape.layers):
        for name, (n_in, n_out) in {"ln_1": (0, d), "attn.c_attn": (d, 3 * d), "attn.c_proj": (d, d),
                                    "ln_2": (0, d), "mlp.c_fc": (d, inner), "mlp.c_proj": (inner, d)}.items():
            tensors[f"h.{i}.{name}.weight"] = (n_in, n_out) if n_in else (n_out,)
            tensors[f"h.{i}.{name}.bias"] = (n_out,)
    tensors["ln_f.weight"] = tensors["ln_f.bias"] = (d,)
    return tensors


def onnx_input_names(layers: int) -> list[str]:
    """The ONNX graph's inputs in order (PROTOCOL.md, "The ONNX graph"); its outputs are onnx_output_names."""
    return ["input_ids", "position_ids", *(f"past_key_values.{i}.{kind}" for i in range(layers)
                                          for kind in ("key", "value"))]


def onnx_output_names(layers: int) -> list[str]:
    return ["logits", *(f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value"))]


def is_layer_norm_weight(name: str) -> bool:
    return name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight"))


def seeded_weights(shape: Gpt2Shape, seed: int) -> dict[str, np.ndarray]:
    """Weights from numpy's default_rng(seed), one Generator.normal(0, SEED_STD) draw in float64 per tensor in
    layout order, rounded to f32; LayerNorm weights are 1 plus such a draw (before rounding)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for name, size in layout(shape).items():
        values = rng.normal(0.0, SEED_STD, size)
        weights[name] = (values + 1.0 if is_layer_norm_weight(name) else values).astype(np.float32)
    return weights


def check_safetensors(weights_path: Path, shape: Gpt2Shape, config_name: str = "config.json") -> list[str]:
    """Every tensor of the layout, with or without the `transformer.` prefix, of the shape `shape` implies; only the
    header is read. Returns the file's keys of the layout, in the file's order (lm_head.weight included if any)."""
    from safetensors import SafetensorError, safe_open

    expected = layout(shape)
    found_names, keys = set(), []
    try:
        opened = safe_open(str(weights_path), framework="np")
    except SafetensorError as e:  # a file cut short, or not safetensors at all: the library's message names no file
        raise RunnerError(f"{weights_path.name}: not a readable safetensors file: {e}") from None
    with opened as f:
        for key in f.keys():
            name = key.removeprefix("transformer.")
            if name.endswith(BUFFER_SUFFIXES):
                continue
            keys.append(key)
            if name == "lm_head.weight":
                continue
            if name not in expected:
                raise RunnerError(f"{weights_path.name}: unexpected tensor {key} (not part of GPT-2)")
            found = tuple(f.get_slice(key).get_shape())
            if found != expected[name]:
                raise RunnerError(f"{weights_path.name}: tensor {key} has shape {found}, but {config_name} "
                                  f"implies {expected[name]}")
            found_names.add(name)
    missing = [name for name in expected if name not in found_names]
    if missing:
        raise RunnerError(f"{weights_path.name}: no tensor {missing[0]}"
                          + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return keys


def read_checkpoint(folder: Path) -> tuple[Gpt2Shape, dict[str, np.ndarray]]:
    """A Hugging Face GPT-2 folder (config.json, model.safetensors) checked by check_safetensors, as f32.
    An lm_head.weight must equal wte."""
    from safetensors import safe_open

    config_path, weights_path = folder / "config.json", folder / "model.safetensors"
    for path in (config_path, weights_path):
        if not path.is_file():
            raise RunnerError(f"checkpoint {folder}: {path.name} not found")
    shape = Gpt2Shape.from_config(config_path)
    weights: dict[str, np.ndarray] = {}
    lm_head = None
    with safe_open(str(weights_path), framework="pt") as f:
        for key in check_safetensors(weights_path, shape, config_path.name):
            name = key.removeprefix("transformer.")
            if name == "lm_head.weight":
                lm_head = f.get_tensor(key).float().numpy()
            else:
                weights[name] = f.get_tensor(key).float().numpy()
    if lm_head is not None and not np.array_equal(lm_head, weights["wte.weight"]):
        raise RunnerError(f"{weights_path.name}: lm_head.weight differs from wte.weight; only GPT-2 with tied "
                          f"embeddings is supported")
    return shape, {name: weights[name] for name in layout(shape)}


def read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunnerError(f"{path.name} not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunnerError(f"{path.name}: cannot read it as JSON: {e}") from None
    if not isinstance(value, dict):
        raise RunnerError(f"{path.name}: expected a JSON object")
    return value


def write_config(shape: Gpt2Shape, path: Path) -> None:
    path.write_text(json.dumps(shape.config(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_safetensors(weights: dict[str, np.ndarray], path: Path) -> None:
    from safetensors.numpy import save_file

    # Hugging Face's from_pretrained refuses a file whose metadata names no framework it knows.
    save_file(weights, str(path), metadata={"format": "pt"})


def gpt2_tokenizer(encoder: Path, merges: Path) -> Any:
    """transformers' byte-level BPE GPT-2 tokenizer from OpenAI's encoder.json and vocab.bpe.

    Checked, because a constructor that misses its files comes up with an empty vocabulary without complaint
    (transformers 5 names them vocab= and merges=; vocab_file= is silently ignored). In transformers 5
    GPT2TokenizerFast is another name of GPT2Tokenizer, which runs on the tokenizers library.
    """
    from transformers import GPT2Tokenizer

    tokenizer = GPT2Tokenizer(vocab=str(encoder), merges=str(merges))
    ids = tokenizer("Hello world")["input_ids"]
    if len(tokenizer) != VOCAB or ids != [15496, 995]:
        raise RunnerError(f"tokenizer from {encoder.name} and {merges.name}: {len(tokenizer)} tokens and "
                          f"'Hello world' -> {ids}, expected {VOCAB} tokens and [15496, 995]")
    return tokenizer


def write_tokenizer(encoder: Path, merges: Path, path: Path) -> None:
    """tokenizer.json: the same BPE as the tokenizers library serialises it."""
    gpt2_tokenizer(encoder, merges).backend_tokenizer.save(str(path))


def read_bpe_files(encoder: Path, merges: Path) -> tuple[list[str], list[str]]:
    """The tokens by id and the merges in rank order (`a b` each), straight from OpenAI's files."""
    vocab = read_json(encoder)
    tokens = sorted(vocab, key=vocab.__getitem__)
    if [vocab[t] for t in tokens] != list(range(len(tokens))):
        raise RunnerError(f"{encoder.name}: ids are not 0 .. {len(tokens) - 1}, each once")
    lines = merges.read_text(encoding="utf-8").splitlines()
    return tokens, [line for line in lines if line and not line.startswith("#version")]
