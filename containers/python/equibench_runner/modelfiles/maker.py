"""Makes the GPT-2 model files of one request into one folder, checks the exported ones against Hugging Face's
model, and records what it made in model-files.json (every file's SHA-256 and size, the request, the library
versions and each step's time).

Every file is made from the same weights in memory. Caching is the caller's business: this always writes anew.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from ..protocol import RunnerError
from . import gpt2
from .gpt2 import Gpt2Shape

FORMATS = ("safetensors", "tokenizer", "onnx", "torchscript", "gguf")
FILES = {"safetensors": ("config.json", "model.safetensors"), "tokenizer": ("tokenizer.json",),
         "onnx": ("model.onnx",), "torchscript": ("model.pt",), "gguf": ("model.gguf",)}
RECORD = "model-files.json"
# The largest difference an exported graph may show against Hugging Face's eager model, relative to the largest
# logit: both compute in f32, only the order of the sums differs.
TOLERANCE = 1e-5
PROBE_LENGTH = 7


@dataclass(frozen=True)
class Request:
    """Seeded weights of a shape, or a user's Hugging Face checkpoint folder (then shape and seed are None)."""

    out: Path
    encoder: Path
    merges: Path
    formats: tuple[str, ...] = FORMATS
    shape: Gpt2Shape | None = None
    seed: int | None = None
    checkpoint: Path | None = None

    def __post_init__(self) -> None:
        if (self.checkpoint is None) == (self.shape is None or self.seed is None):
            raise RunnerError("gpt2: give either a seed and a shape or a checkpoint folder")
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise RunnerError(f"gpt2: unknown format {', '.join(unknown)} (formats: {', '.join(FORMATS)})")

    def describe(self) -> dict[str, Any]:
        if self.checkpoint is not None:
            return {"checkpoint": str(self.checkpoint.resolve())}
        assert self.shape is not None
        return {"seed": self.seed, "layers": self.shape.layers, "heads": self.shape.heads,
                "d_model": self.shape.d_model, "context": self.shape.context}


class Steps:
    """Times each step; the record keeps seconds per step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)


def make(request: Request) -> dict[str, Any]:
    """Writes the requested formats and model-files.json into request.out; returns the record."""
    for path in (request.encoder, request.merges):
        if not path.is_file():
            raise RunnerError(f"{path.name} not found: {path}")
    request.out.mkdir(parents=True, exist_ok=True)
    steps = Steps()
    source: dict[str, Any]
    with steps.step("weights"):
        if request.checkpoint is not None:
            shape, weights = gpt2.read_checkpoint(request.checkpoint)
            source = {"weights": "checkpoint", "checkpoint": str(request.checkpoint.resolve())}
        else:
            assert request.shape is not None and request.seed is not None
            shape, weights = request.shape, gpt2.seeded_weights(request.shape, request.seed)
            source = {"weights": "seeded", "seed": request.seed,
                      "distribution": f"numpy default_rng(seed).normal(0, {gpt2.SEED_STD}) in float64 per tensor "
                                      f"in the safetensors layout order, rounded to f32; LayerNorm weights 1 + "
                                      f"that draw"}
    out, formats = request.out, request.formats
    if "safetensors" in formats:
        with steps.step("safetensors"):
            gpt2.write_config(shape, out / "config.json")
            gpt2.write_safetensors(weights, out / "model.safetensors")
    if "tokenizer" in formats:
        with steps.step("tokenizer"):
            gpt2.write_tokenizer(request.encoder, request.merges, out / "tokenizer.json")
    if {"onnx", "torchscript"} & set(formats):
        from . import gpt2_torch

        model = gpt2_torch.build(shape, weights)
        if "onnx" in formats:
            with steps.step("onnx"):
                gpt2_torch.export_onnx(model, shape, out / "model.onnx")
        if "torchscript" in formats:
            with steps.step("torchscript"):
                gpt2_torch.export_torchscript(model, out / "model.pt")
    if "gguf" in formats:
        from .gpt2_gguf import check_gguf, write_gguf

        with steps.step("gguf"):
            name = "GPT-2 (checkpoint)" if request.checkpoint is not None else f"GPT-2 (seeded {request.seed})"
            write_gguf(shape, weights, request.encoder, request.merges, out / "model.gguf", name)
        with steps.step("gguf_check"):
            check_gguf(out / "model.gguf", shape, weights)
    verification = {}
    if {"onnx", "torchscript"} & set(formats):
        with steps.step("verify"):
            verification = verify(shape, weights, out, formats)
    record = {
        "model": "gpt2",
        "request": request.describe(),
        **source,
        "shape": {"layers": shape.layers, "heads": shape.heads, "d_model": shape.d_model, "context": shape.context,
                  "vocab": shape.vocab, "d_inner": shape.d_inner, "layer_norm_epsilon": shape.layer_norm_epsilon},
        "files": [describe_file(out / name) for fmt in FORMATS if fmt in formats for name in FILES[fmt]],
        "versions": versions(formats),
        "verification": verification,
        "steps_s": steps.seconds,
    }
    (out / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def describe_file(path: Path) -> dict[str, Any]:
    # Not data.sha256_file: that caches by path, and a folder made again in one process has new contents.
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return {"name": path.name, "sha256": digest, "size": path.stat().st_size}


def versions(formats: tuple[str, ...]) -> dict[str, Any]:
    names = ["numpy", "safetensors", "transformers", "tokenizers", "torch"]
    if "onnx" in formats:
        names += ["onnx", "onnxscript", "onnxruntime"]
    if "gguf" in formats:
        names.append("gguf")
    found: dict[str, Any] = {"python": platform.python_version(), **{name: version(name) for name in names}}
    if "onnx" in formats:
        from .gpt2_torch import ONNX_OPSET

        found["onnx_opset"] = ONNX_OPSET
    return found


def verify(shape: Gpt2Shape, weights: dict[str, np.ndarray], out: Path, formats: tuple[str, ...]) -> dict[str, Any]:
    """The exported files against Hugging Face's GPT2LMHeadModel on the same weights: a prefill of PROBE_LENGTH
    tokens from an empty past, then one decode step on its cache; the largest logit difference of each."""
    import torch

    ids = (np.arange(1, PROBE_LENGTH + 2, dtype=np.int64) * 7919) % shape.vocab
    prompt, step = ids[None, :PROBE_LENGTH], ids[None, PROBE_LENGTH:]
    with torch.inference_mode():
        model = hugging_face_model(shape, weights)
        prefill = model(input_ids=torch.from_numpy(prompt), use_cache=True)
        decode = model(input_ids=torch.from_numpy(step), cache=prefill.cache, use_cache=True)
        reference = (prefill.logits.numpy(), decode.logits.numpy())
    scale = max(1.0, float(np.abs(reference[0]).max()))
    results: dict[str, Any] = {"probe_ids": ids.tolist(), "largest_logit": scale}

    def check(name: str, got: tuple[np.ndarray, np.ndarray]) -> None:
        diff = max(float(np.abs(g - r).max()) for g, r in zip(got, reference, strict=True))
        results[f"{name}_max_abs_diff"] = diff
        if diff > TOLERANCE * scale:
            raise RunnerError(f"{name} export differs from Hugging Face's model by {diff:.3g} (largest logit "
                              f"{scale:.3g}, tolerance {TOLERANCE:g} of it)")

    if "onnx" in formats:
        import onnxruntime as ort

        session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
        empty = np.zeros((1, shape.heads, 0, shape.d_head), dtype=np.float32)
        names = gpt2.onnx_input_names(shape.layers)
        first = session.run(None, dict(zip(names, [prompt, np.arange(PROBE_LENGTH)[None, :],
                                                   *[empty] * (2 * shape.layers)], strict=True)))
        second = session.run(None, dict(zip(names, [step, np.array([[PROBE_LENGTH]]), *first[1:]], strict=True)))
        check("onnx", (first[0], second[0]))
    if "torchscript" in formats:
        scripted = torch.jit.load(str(out / "model.pt"))
        with torch.inference_mode():
            past = torch.zeros(shape.layers, 2, 1, shape.heads, 0, shape.d_head)
            logits, present = scripted(torch.from_numpy(prompt), past)
            logits2, _ = scripted(torch.from_numpy(step), present)
        check("torchscript", (logits.numpy(), logits2.numpy()))
    return results


def hugging_face_model(shape: Gpt2Shape, weights: dict[str, np.ndarray]) -> Any:
    """GPT2LMHeadModel in f32 eval mode holding exactly these weights."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    model = GPT2LMHeadModel(GPT2Config(**shape.config()))
    missing, unexpected = model.transformer.load_state_dict(
        {name: torch.from_numpy(array) for name, array in weights.items()}, strict=False)
    # The attn.bias mask buffers are not persistent in transformers 5; nothing else may be left out.
    if [m for m in missing if not m.endswith(gpt2.BUFFER_SUFFIXES)] or unexpected:
        raise RunnerError(f"GPT2LMHeadModel does not take these weights: missing {missing}, unexpected {unexpected}")
    return model.eval()

