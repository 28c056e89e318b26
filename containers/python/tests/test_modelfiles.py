"""The GPT-2 model-file maker (python -m equibench_runner.modelfiles gpt2): seeded weights reproducible from their
seed, the safetensors layout and config.json, a user's checkpoint checked against its config.json, the tokenizer
and the GGUF file. The exports (ONNX, TorchScript) are tested against Hugging Face's model in
test_gpt2_generate.py, on the files the rows run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from equibench_runner.modelfiles.__main__ import main
from equibench_runner.modelfiles.gpt2 import Gpt2Shape, layout, seeded_weights
from equibench_runner.modelfiles.maker import Request, hugging_face_model, make
from equibench_runner.protocol import RunnerError

TOKENIZER_DIR = Path(__file__).resolve().parents[3] / "data" / "tokenizers" / "gpt2"
ENCODER, MERGES = TOKENIZER_DIR / "encoder.json", TOKENIZER_DIR / "vocab.bpe"
SHAPE = Gpt2Shape(layers=2, heads=2, d_model=64, context=128)


def make_seeded(out: Path, seed: int = 7, formats: tuple[str, ...] = ("safetensors",)) -> dict:
    return make(Request(out=out, encoder=ENCODER, merges=MERGES, formats=formats, shape=SHAPE, seed=seed))


def digests(record: dict) -> dict[str, str]:
    return {f["name"]: f["sha256"] for f in record["files"]}


def test_seeded_weights_are_reproducible(tmp_path: Path) -> None:
    first = make_seeded(tmp_path / "a")
    assert digests(first) == digests(make_seeded(tmp_path / "b"))
    assert digests(first)["model.safetensors"] != digests(make_seeded(tmp_path / "c", seed=8))["model.safetensors"]
    assert first["request"] == {"seed": 7, "layers": 2, "heads": 2, "d_model": 64, "context": 128}
    assert set(first["steps_s"]) == {"weights", "safetensors"}


def test_safetensors_layout_and_config(tmp_path: Path) -> None:
    from safetensors.numpy import load_file

    make_seeded(tmp_path)
    tensors = load_file(tmp_path / "model.safetensors")
    assert {name: t.shape for name, t in tensors.items()} == layout(SHAPE)
    assert tensors["h.0.attn.c_attn.weight"].shape == (64, 192) and tensors["h.1.mlp.c_proj.weight"].shape == (256, 64)
    assert all(t.dtype == np.float32 for t in tensors.values())
    assert not any(name.startswith("lm_head") or name.endswith(".attn.bias") for name in tensors)
    # N(0, 0.1²); LayerNorm weights around 1.
    assert 0.09 < tensors["wte.weight"].std() < 0.11 and abs(tensors["h.0.ln_1.weight"].mean() - 1) < 0.05
    config = json.loads((tmp_path / "config.json").read_text())
    assert {k: config[k] for k in ("n_layer", "n_head", "n_embd", "n_positions", "vocab_size", "layer_norm_epsilon",
                                   "activation_function", "tie_word_embeddings", "bos_token_id", "eos_token_id",
                                   "architectures", "model_type")} == {
        "n_layer": 2, "n_head": 2, "n_embd": 64, "n_positions": 128, "vocab_size": 50257, "layer_norm_epsilon": 1e-5,
        "activation_function": "gelu_new", "tie_word_embeddings": True, "bos_token_id": 50256,
        "eos_token_id": 50256, "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"}


def test_a_hugging_face_checkpoint_is_normalised(tmp_path: Path) -> None:
    # save_pretrained writes the `transformer.` prefix; the maker writes GPT-2's own names, the same bytes as seeded.
    hugging_face_model(SHAPE, seeded_weights(SHAPE, 7)).save_pretrained(tmp_path / "hf")
    record = make(Request(out=tmp_path / "out", encoder=ENCODER, merges=MERGES, formats=("safetensors",),
                          checkpoint=tmp_path / "hf"))
    assert digests(record) == digests(make_seeded(tmp_path / "seeded"))
    assert record["weights"] == "checkpoint"


def checkpoint_error(folder: Path) -> str:
    with pytest.raises(RunnerError) as error:
        make(Request(out=folder / "out", encoder=ENCODER, merges=MERGES, formats=("safetensors",), checkpoint=folder))
    return str(error.value)


def test_checkpoint_without_weights(tmp_path: Path) -> None:
    make_seeded(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    assert checkpoint_error(tmp_path) == f"checkpoint {tmp_path}: model.safetensors not found"


def test_checkpoint_tensor_of_another_shape(tmp_path: Path) -> None:
    make_seeded(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "n_positions": 256}))
    assert checkpoint_error(tmp_path) == ("model.safetensors: tensor wpe.weight has shape (128, 64), but config.json "
                                          "implies (256, 64)")


def test_tokenizer_json(tmp_path: Path) -> None:
    from tokenizers import Tokenizer

    make_seeded(tmp_path, formats=("tokenizer",))
    tokenizer = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    assert tokenizer.get_vocab_size() == 50257
    assert tokenizer.encode("Hello world").ids == [15496, 995]
    assert tokenizer.token_to_id("<|endoftext|>") == 50256


def test_gguf_for_llama_cpp(tmp_path: Path) -> None:
    import gguf

    make_seeded(tmp_path, formats=("gguf",))  # the maker also reads every tensor back and compares it
    reader = gguf.GGUFReader(str(tmp_path / "model.gguf"))
    fields = {name: reader.fields[name].contents() for name in (
        "general.architecture", "gpt2.block_count", "gpt2.context_length", "gpt2.embedding_length",
        "gpt2.feed_forward_length", "gpt2.attention.head_count", "tokenizer.ggml.model", "tokenizer.ggml.pre",
        "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.add_bos_token")}
    assert fields == {"general.architecture": "gpt2", "gpt2.block_count": 2, "gpt2.context_length": 128,
                      "gpt2.embedding_length": 64, "gpt2.feed_forward_length": 256, "gpt2.attention.head_count": 2,
                      "tokenizer.ggml.model": "gpt2", "tokenizer.ggml.pre": "gpt-2",
                      "tokenizer.ggml.bos_token_id": 50256, "tokenizer.ggml.eos_token_id": 50256,
                      "tokenizer.ggml.add_bos_token": False}
    assert len(reader.fields["tokenizer.ggml.tokens"].data) == 50257
    assert len(reader.fields["tokenizer.ggml.merges"].data) == 50000
    tensors = {t.name: t for t in reader.tensors}
    # ggml lists dimensions innermost first: [in, out] for a weight llama.cpp multiplies as out × in.
    assert [int(n) for n in tensors["blk.0.attn_qkv.weight"].shape] == [64, 192]
    assert [int(n) for n in tensors["output.weight"].shape] == [64, 50257]
    assert len(tensors) == 4 + 1 + 12 * SHAPE.layers  # embeddings and output norm, output, 12 per layer


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["gpt2", "--out", str(tmp_path / "out"), "--encoder", str(ENCODER), "--merges", str(MERGES)]
    with pytest.raises(SystemExit):
        main([*common, "--seed", "1", "--layers", "2"])
    assert "--seed needs --heads, --d-model, --context" in capsys.readouterr().err
    assert main([*common, "--checkpoint", str(tmp_path / "absent")]) == 1
    assert capsys.readouterr().err.endswith("config.json not found\n")
    assert main([*common, "--seed", "1", "--layers", "2", "--heads", "2", "--d-model", "64", "--context", "16",
                 "--formats", "safetensors,pdf"]) == 1
    assert "unknown format pdf" in capsys.readouterr().err
