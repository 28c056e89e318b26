"""Task gpt2-generate (PROTOCOL.md): both rows on a tiny seeded GPT-2 (2 layers, 2 heads, d_model 64) made once per
session by the model-file maker; the exported ONNX and TorchScript files against Hugging Face's eager model; the
checks on params, config.json and the prompts file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import core, registry
from equibench_runner.data import sha256_file
from equibench_runner.modelfiles.gpt2 import Gpt2Shape, onnx_input_names
from equibench_runner.modelfiles.maker import Request, make
from equibench_runner.protocol import RunnerError, output_digest, parse_spec
from equibench_runner.tasks.gpt2_generate import TransformersGpt2

REPO = Path(__file__).resolve().parents[3]
TOKENIZER_DIR = REPO / "data" / "tokenizers" / "gpt2"
PROMPTS = REPO / "data" / "prompts" / "text_generation_prompts.txt"
SHAPE = Gpt2Shape(layers=2, heads=2, d_model=64, context=128)
ROWS = ("python/transformers", "python/onnxruntime")
OUTPUTS = ["prompt_ids", "prompt_lengths", "first_logits", "generated_ids", "step_top2", "decode_step_ns"]
# The outputs each timed phase computes, as the harness declares them.
VERIFY = {"prefill": ["first_logits"], "decode": ["generated_ids", "step_top2"]}
# role -> (file in the model folder, kind)
FILES = {"config": ("config.json", "json"), "weights": ("model.safetensors", "safetensors"),
         "onnx": ("model.onnx", "onnx"), "torchscript": ("model.pt", "torchscript"), "gguf": ("model.gguf", "gguf"),
         "tokenizer": ("tokenizer.json", "json"), "encoder": ("encoder.json", "json"),
         "merges": ("vocab.bpe", "text"), "prompts": ("prompts.txt", "text")}
PROMPT_COUNT, NEW_TOKENS = 3, 8


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every model file of the tiny GPT-2 (seed 7), with the tokenizer sources and the prompts beside them."""
    out = tmp_path_factory.mktemp("gpt2")
    for path in (TOKENIZER_DIR / "encoder.json", TOKENIZER_DIR / "vocab.bpe"):
        shutil.copyfile(path, out / path.name)
    shutil.copyfile(PROMPTS, out / "prompts.txt")
    make(Request(out=out, encoder=out / "encoder.json", merges=out / "vocab.bpe", shape=SHAPE, seed=7))
    return out


def gpt2_spec(folder: Path, impl: str, **params: Any) -> dict[str, Any]:
    """The raw spec of a run on the files in `folder`: every phase, no warm-up, one repetition."""
    return {
        "protocol": 1, "task": "gpt2-generate", "impl": impl, "device": "cpu", "dtype": "f32",
        "threads": 1, "warmup": 0, "repetitions": 1, "phases": ["load", "prefill", "decode"],
        "inputs": {role: {"path": str(folder / name), "sha256": sha256_file(folder / name), "kind": kind}
                   for role, (name, kind) in FILES.items()},
        "params": {"prompt_count": PROMPT_COUNT, "new_tokens": NEW_TOKENS, "layers": SHAPE.layers,
                   "heads": SHAPE.heads, "d_model": SHAPE.d_model, "vocab": SHAPE.vocab, "context": SHAPE.context,
                   "checkpoint": "seeded", **params},
        "outputs": OUTPUTS,
    }


def run(raw: dict[str, Any], out: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    spec = parse_spec(raw)
    out.mkdir(parents=True, exist_ok=True)
    result = core.run(spec, registry.lookup(spec.task, spec.impl), out)
    return result, {name: np.load(out / file) for name, file in result["outputs"].items()}


@pytest.fixture(scope="session")
def runs(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each row's result.json and outputs, computed once; two timed repetitions, each hashed."""
    return {impl: run({**gpt2_spec(model_dir, impl), "repetitions": 2, "verify": VERIFY},
                      tmp_path_factory.mktemp(impl.replace("/", "-"))) for impl in ROWS}


def test_both_rows_are_registered() -> None:
    assert all(("gpt2-generate", impl) in registry.IMPLEMENTATIONS for impl in ROWS)


def test_outputs_as_the_protocol_writes_them(runs: dict[str, Any]) -> None:
    for impl in ROWS:
        result, outputs = runs[impl]
        assert result["status"] == "ok"
        lengths = outputs["prompt_lengths"]
        assert outputs["prompt_ids"].dtype.str == "<i8" and outputs["prompt_ids"].shape == (lengths.sum(),)
        assert lengths.dtype.str == "<i8" and lengths.shape == (PROMPT_COUNT,)
        assert outputs["first_logits"].dtype.str == "<f4"
        assert outputs["first_logits"].shape == (PROMPT_COUNT, SHAPE.vocab)
        assert outputs["generated_ids"].dtype.str == "<i8"
        assert outputs["generated_ids"].shape == (PROMPT_COUNT, NEW_TOKENS)
        assert outputs["step_top2"].dtype.str == "<f4" and outputs["step_top2"].shape == (PROMPT_COUNT, NEW_TOKENS, 2)
        assert outputs["decode_step_ns"].dtype.str == "<i8"
        assert outputs["decode_step_ns"].shape == (PROMPT_COUNT, NEW_TOKENS - 1)
        assert (outputs["decode_step_ns"] > 0).all()
        phases = result["phases"]
        assert [phases[p]["ops_per_sample"] for p in ("load", "prefill", "decode")] == [
            1, PROMPT_COUNT, PROMPT_COUNT * (NEW_TOKENS - 1)]
        # Token 0 and its top-2 come from the prefill logits.
        first = outputs["first_logits"]
        assert (outputs["generated_ids"][:, 0] == first.argmax(axis=1)).all()
        assert np.array_equal(outputs["step_top2"][:, 0, 0], first.max(axis=1))


def test_every_timed_repetition_computes_the_outputs_written(runs: dict[str, Any]) -> None:
    for impl in ROWS:
        result, outputs = runs[impl]
        for phase, names in VERIFY.items():
            # The digest of the arrays as loaded is that of the files' data (test_verify).
            written = output_digest({name: outputs[name] for name in names})
            assert result["phases"][phase]["output_sha256"] == [written] * 2, (impl, phase)


def test_both_rows_compute_the_same(runs: dict[str, Any]) -> None:
    (_, reference), (_, onnx) = runs["python/transformers"], runs["python/onnxruntime"]
    for name in ("prompt_ids", "prompt_lengths", "generated_ids"):
        assert np.array_equal(reference[name], onnx[name]), name
    assert np.abs(reference["first_logits"] - onnx["first_logits"]).max() < 1e-4
    assert np.abs(reference["step_top2"] - onnx["step_top2"]).max() < 1e-4
    # The seeded weights make greedy decoding move on, not repeat one token.
    assert all(len(set(row)) > 2 for row in reference["generated_ids"].tolist())


def test_prompt_ids_are_gpt2s(runs: dict[str, Any]) -> None:
    _, outputs = runs["python/transformers"]
    first = outputs["prompt_ids"][:outputs["prompt_lengths"][0]]
    # "The history of the printing press begins in", by OpenAI's tokenizer.
    assert first.tolist() == [464, 2106, 286, 262, 13570, 1803, 6140, 287]


def test_manifest(runs: dict[str, Any]) -> None:
    read = {"python/transformers": {"config", "weights", "tokenizer", "prompts"},
            "python/onnxruntime": {"config", "onnx", "tokenizer", "prompts"}}
    for impl, (result, _) in runs.items():
        manifest = result["runtime"]["manifest"]
        hashed = {k.removeprefix("input.").removesuffix(".sha256") for k in manifest if k.startswith("input.")}
        assert hashed == read[impl]
        assert {k: manifest[f"hp.{k}"] for k in ("new_tokens", "prompt_count", "decoding", "kv_cache", "layers",
                                                   "heads", "d_model", "vocab")} == {
            "new_tokens": NEW_TOKENS, "prompt_count": PROMPT_COUNT, "decoding": "greedy", "kv_cache": True,
            "layers": 2, "heads": 2, "d_model": 64, "vocab": SHAPE.vocab}
        assert manifest["dtype"] == "f32" and manifest["threads.compute"] == 1
        assert Path(manifest["native.library"]).is_file() and len(manifest["native.sha256"]) == 64
    tf, ort = (runs[impl][0]["runtime"] for impl in ROWS)
    assert tf["manifest"]["hp.model_format"] == "safetensors" and ort["manifest"]["hp.model_format"] == "onnx"
    assert tf["manifest"]["native.engine"].startswith("libtorch 2.7.1")
    assert ort["manifest"]["native.engine"] == "onnxruntime 1.29.0"
    assert ort["hyperparameters"]["graph_optimization_level"].endswith("ORT_ENABLE_ALL")
    assert tf["hyperparameters"]["torch_num_threads"] == 1


def test_every_decode_starts_from_the_prefill_cache(model_dir: Path) -> None:
    task = TransformersGpt2(parse_spec(gpt2_spec(model_dir, "python/transformers")))
    task.load()
    task.prefill()
    task.decode()
    first = task.generated_ids.copy()
    task.decode()
    assert np.array_equal(task.generated_ids, first)


# ---- the exported files against Hugging Face's eager model ----------------------------------------------

@pytest.fixture(scope="session")
def eager(model_dir: Path) -> dict[str, np.ndarray]:
    """GPT2LMHeadModel's logits on a prefill of 5 tokens and one decode step after it."""
    import torch
    from transformers import GPT2LMHeadModel

    model = GPT2LMHeadModel.from_pretrained(model_dir, local_files_only=True).eval()
    ids = torch.tensor([[464, 2106, 286, 262, 13570, 1803]])
    with torch.inference_mode():
        prefill = model(input_ids=ids[:, :5], use_cache=True)
        step = model(input_ids=ids[:, 5:], cache=prefill.cache, use_cache=True)
    return {"ids": ids.numpy(), "prefill": prefill.logits.numpy(), "step": step.logits.numpy()}


def test_onnx_graph_matches_eager(model_dir: Path, eager: dict[str, np.ndarray]) -> None:
    import onnxruntime as ort

    session = ort.InferenceSession(str(model_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    names = onnx_input_names(SHAPE.layers)
    empty = np.zeros((1, SHAPE.heads, 0, SHAPE.d_head), dtype=np.float32)
    logits, *present = session.run(None, dict(zip(names, [eager["ids"][:, :5], np.arange(5)[None],
                                                          *[empty] * (2 * SHAPE.layers)], strict=True)))
    assert present[0].shape == (1, SHAPE.heads, 5, SHAPE.d_head)
    step, *_ = session.run(None, dict(zip(names, [eager["ids"][:, 5:], np.array([[5]]), *present], strict=True)))
    assert np.abs(logits - eager["prefill"]).max() < 1e-4
    assert np.abs(step - eager["step"]).max() < 1e-4


def test_torchscript_matches_eager(model_dir: Path, eager: dict[str, np.ndarray]) -> None:
    import torch

    module = torch.jit.load(str(model_dir / "model.pt"))
    ids = torch.from_numpy(eager["ids"])
    with torch.inference_mode():
        past = torch.zeros(SHAPE.layers, 2, 1, SHAPE.heads, 0, SHAPE.d_head)
        logits, present = module(ids[:, :5], past)
        assert present.shape == (SHAPE.layers, 2, 1, SHAPE.heads, 5, SHAPE.d_head)
        step, after = module(ids[:, 5:], present)
        assert after.shape[4] == 6
        # Two tokens on a past of three: s > 1 with p > 0.
        split, _ = module(ids[:, 3:5], present[:, :, :, :, :3])
    assert np.abs(logits.numpy() - eager["prefill"]).max() < 1e-4
    assert np.abs(step.numpy() - eager["step"]).max() < 1e-4
    assert np.abs(split.numpy() - eager["prefill"][:, 3:5]).max() < 1e-4


# ---- checks ---------------------------------------------------------------------------------------------

def load_error(raw: dict[str, Any]) -> str:
    task = registry.lookup(raw["task"], raw["impl"])(parse_spec(raw))
    with pytest.raises(RunnerError) as error:
        task.load()
    return str(error.value)


def with_prompts(model_dir: Path, tmp_path: Path, text: str, impl: str = "python/onnxruntime") -> dict[str, Any]:
    raw = gpt2_spec(model_dir, impl)
    path = tmp_path / "prompts.txt"
    path.write_text(text, encoding="utf-8")
    raw["inputs"]["prompts"].update(path=str(path), sha256=sha256_file(path))
    return raw


@pytest.mark.parametrize("impl", ROWS)
def test_empty_prompts_file(model_dir: Path, tmp_path: Path, impl: str) -> None:
    assert load_error(with_prompts(model_dir, tmp_path, "", impl)) == "prompts.txt: no prompts (the file is empty)"


def test_too_few_prompts(model_dir: Path, tmp_path: Path) -> None:
    message = load_error(with_prompts(model_dir, tmp_path, "one\ntwo\n"))
    assert message == f"prompts.txt: 2 lines, fewer than params.prompt_count = {PROMPT_COUNT}"
    assert load_error(with_prompts(model_dir, tmp_path, "one\n\nthree\n")) == "prompts.txt line 2: empty prompt"


def test_prompt_must_fit_the_context(model_dir: Path) -> None:
    message = load_error(gpt2_spec(model_dir, "python/onnxruntime", new_tokens=125))
    assert message == "prompts.txt line 1: 8 tokens and 125 new tokens exceed the context of 128"


@pytest.mark.parametrize("impl", ROWS)
def test_params_must_match_config_json(model_dir: Path, impl: str) -> None:
    assert load_error(gpt2_spec(model_dir, impl, d_model=128)) == "config.json: n_embd is 64, but params.d_model is 128"


@pytest.mark.parametrize(("change", "message"), [
    ({"checkpoint": "random"}, "spec: params.checkpoint must be one of seeded, real, got 'random'"),
    ({"new_tokens": 1}, "spec: params.new_tokens must be at least 2, got 1"),
    ({"heads": 3}, "spec: params.d_model (64) must be a multiple of params.heads (3)"),
    ({"context": "128"}, 'spec: params.context must be an integer, got "128"'),
])
def test_params_are_checked(model_dir: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(RunnerError, match=f"^{re.escape(message)}$"):
        TransformersGpt2(parse_spec(gpt2_spec(model_dir, "python/transformers", **change)))


def test_onnx_graph_of_another_shape(model_dir: Path) -> None:
    raw = gpt2_spec(model_dir, "python/onnxruntime", layers=3)
    config = json.loads((model_dir / "config.json").read_text())
    # config.json agreeing with the params, the graph alone disagrees.
    folder = model_dir.parent / "gpt2-three-layers"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps({**config, "n_layer": 3}))
    raw["inputs"]["config"].update(path=str(folder / "config.json"), sha256=sha256_file(folder / "config.json"))
    assert load_error(raw).startswith("model.onnx: inputs ")


def test_cuda_without_a_cuda_device(model_dir: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    raw = gpt2_spec(model_dir, "python/transformers")
    raw["device"] = "cuda"
    with pytest.raises(RunnerError, match=r"^spec: device cuda, but torch .* sees no CUDA device"):
        TransformersGpt2(parse_spec(raw))
