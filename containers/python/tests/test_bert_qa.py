"""Task bert-qa (PROTOCOL.md): the windowing and span choice, the SQuAD reader's errors, the model-file maker (its
exports against Hugging Face's model), and both rows on a tiny seeded BERT with the real vocabulary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner import core, registry
from equibench_runner.data import sha256_file
from equibench_runner.modelfiles import bert
from equibench_runner.modelfiles.bert import BertShape
from equibench_runner.modelfiles.bert_maker import BertRequest, make
from equibench_runner.protocol import RunnerError, output_digest, parse_spec
from equibench_runner.tasks.bert_qa import Feature, Params, Tokens, best_span, features, read_squad, windows

REPO = Path(__file__).resolve().parents[3]
VOCAB = REPO / "data" / "tokenizers" / "bert-base-uncased" / "vocab.txt"
SHAPE = BertShape(layers=2, heads=2, hidden=32, intermediate=64)
ROWS = ("python/transformers", "python/onnxruntime")
OUTPUTS = ["feature_question", "feature_lengths", "input_ids", "token_type_ids", "attention_mask", "offsets",
           "start_logits", "end_logits", "answer_tokens", "answer_chars", "latency_ns", "model_ns"]
# The outputs the timed phase computes, as the harness declares them.
VERIFY = {"answer": ["start_logits", "end_logits", "answer_tokens", "answer_chars"]}
FILES = {"config": ("config.json", "json"), "weights": ("model.safetensors", "safetensors"),
         "onnx": ("model.onnx", "onnx"), "torchscript": ("model.pt", "torchscript"),
         "tokenizer": ("tokenizer.json", "json"), "vocab": ("vocab.txt", "text"), "squad": ("squad.json", "json")}
LONG_CONTEXT = " ".join(f"Sentence {i} tells of Zoë and the bridge of Kraków." for i in range(60))
QUESTIONS = [("Who built the bridge?", LONG_CONTEXT), ("Where was Zoë born?", "Zoë was born in Kraków in 1901."),
             ("What is empty?", "")]


def params(**changes: Any) -> dict[str, Any]:
    base = {"question_count": len(QUESTIONS), "max_length": 64, "doc_stride": 16, "max_query_length": 8,
            "max_answer_tokens": 5, "layers": SHAPE.layers, "heads": SHAPE.heads, "hidden": SHAPE.hidden,
            "intermediate": SHAPE.intermediate, "vocab": SHAPE.vocab, "max_positions": SHAPE.max_positions,
            "checkpoint": "seeded"}
    return {**base, **changes}


def squad(questions: list[tuple[str, str]]) -> dict[str, Any]:
    return {"version": "v2.0", "data": [{"title": "t", "paragraphs": [
        {"context": context, "qas": [{"id": f"q{i}", "question": q, "answers": [], "is_impossible": True}]}
        for i, (q, context) in enumerate(questions)]}]}


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bert")
    make(BertRequest(out=out, vocab=VOCAB, downloads=out / "downloads", shape=SHAPE, seed=7))
    (out / "squad.json").write_text(json.dumps(squad(QUESTIONS)), encoding="utf-8")
    return out


def bert_spec(folder: Path, impl: str, **changes: Any) -> dict[str, Any]:
    return {
        "protocol": 1, "task": "bert-qa", "impl": impl, "device": "cpu", "dtype": "f32", "threads": 1,
        "warmup": 0, "repetitions": 1, "phases": ["load", "answer"],
        "inputs": {role: {"path": str(folder / name), "sha256": sha256_file(folder / name), "kind": kind}
                   for role, (name, kind) in FILES.items()},
        "params": params(**changes), "outputs": OUTPUTS,
    }


def run(raw: dict[str, Any], out: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    spec = parse_spec(raw)
    out.mkdir(parents=True, exist_ok=True)
    result = core.run(spec, registry.lookup(spec.task, spec.impl), out)
    return result, {name: np.load(out / file) for name, file in result.get("outputs", {}).items()}


@pytest.fixture(scope="session")
def runs(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each row's result.json and outputs, computed once; two timed repetitions, each hashed."""
    return {impl: run({**bert_spec(model_dir, impl), "repetitions": 2, "verify": VERIFY},
                      tmp_path_factory.mktemp(impl.replace("/", "-"))) for impl in ROWS}


# ---- windows and spans -------------------------------------------------------------------------------------

def test_windows_overlap_by_the_stride_and_cover_the_context() -> None:
    assert windows(10, 4, 1) == [(0, 4), (3, 7), (6, 10)]
    assert windows(4, 4, 1) == [(0, 4)]
    assert windows(0, 4, 1) == [(0, 0)]


def test_features_cut_the_question_and_mark_the_context() -> None:
    p = Params(**params(max_length=16, doc_stride=2, max_query_length=3))
    built = features(0, Tokens([5, 6, 7, 8], [(0, 1)] * 4), Tokens(list(range(20, 32)), [(i, i + 1) for i in range(12)]),
                     p)
    # room = 16 − 3 − 3 = 10: windows [0, 10) and [8, 12)
    assert [f.input_ids.tolist() for f in built] == [[101, 5, 6, 7, 102, *range(20, 30), 102],
                                                     [101, 5, 6, 7, 102, 28, 29, 30, 31, 102]]
    assert built[1].token_type_ids.tolist() == [0] * 5 + [1] * 5
    assert built[1].offsets[:5].tolist() == [[-1, -1]] * 5 and built[1].offsets[5].tolist() == [8, 9]
    assert (built[1].first, built[1].last) == (5, 8)


def feature(first: int, last: int, length: int) -> Feature:
    ids = np.zeros(length, dtype=np.int64)
    return Feature(0, ids, ids, np.zeros((length, 2), dtype=np.int64), first, last)


def test_best_span_is_exhaustive_bounded_and_first_on_ties() -> None:
    f = feature(2, 6, 8)
    start = np.array([9, 9, 0, 3, 0, 0, 0, 9], dtype=np.float32)  # positions outside the context never count
    end = np.array([9, 9, 0, 0, 0, 0, 3, 9], dtype=np.float32)
    assert best_span([(f, start, end)], max_answer_tokens=4) == (0, 3, 6)
    assert best_span([(f, start, end)], max_answer_tokens=3) == (0, 3, 3)  # (3, 6) is 4 tokens long
    flat = np.zeros(8, dtype=np.float32)
    assert best_span([(f, flat, flat), (f, flat, flat)], max_answer_tokens=3) == (0, 2, 2)
    assert best_span([(feature(2, 1, 3), flat[:3], flat[:3])], max_answer_tokens=3) is None
    # an end before its start never counts, however large
    assert best_span([(f, np.array([0, 0, 0, 0, 0, 0, 5, 0], np.float32),
                       np.array([0, 0, 4, 0, 0, 0, 0, 0], np.float32))], 4) != (0, 6, 2)


# ---- the SQuAD reader --------------------------------------------------------------------------------------

def squad_error(tmp_path: Path, value: Any, count: int = 1) -> str:
    path = tmp_path / "bad-squad.json"
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    with pytest.raises(RunnerError) as e:
        read_squad(path, count)
    return str(e.value)


def test_squad_errors_name_the_file_and_the_item(tmp_path: Path) -> None:
    assert "bad-squad.json" in squad_error(tmp_path, "{not json")
    no_question = {"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a", "answers": []}]}]}]}
    assert squad_error(tmp_path, no_question) == ('bad-squad.json: data[0].paragraphs[0].qas[0]: field "question" '
                                                  'is missing')
    blank = {"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a", "question": "  "}]}]}]}
    assert "data[0].paragraphs[0].qas[0]: the question is empty" in squad_error(tmp_path, blank)
    assert "1 questions, fewer than params.question_count = 2" in squad_error(tmp_path, squad(QUESTIONS[:1]), 2)


# ---- the maker ---------------------------------------------------------------------------------------------

def test_exports_match_hugging_face(model_dir: Path) -> None:
    record = json.loads((model_dir / "model-files.json").read_text())
    assert record["verification"]["onnx_max_abs_diff"] < 1e-5
    assert record["verification"]["torchscript_max_abs_diff"] < 1e-5
    assert [f["name"] for f in record["files"]] == ["config.json", "model.safetensors", "model.onnx", "model.pt",
                                                   "vocab.txt", "tokenizer.json"]


def test_seeded_weights_are_reproducible(tmp_path: Path) -> None:
    one, two = bert.seeded_weights(SHAPE, 7), bert.seeded_weights(SHAPE, 7)
    assert list(one) == list(bert.layout(SHAPE)) and all(np.array_equal(one[k], two[k]) for k in one)
    assert not np.array_equal(one["qa_outputs.weight"], bert.seeded_weights(SHAPE, 8)["qa_outputs.weight"])


def test_a_vocabulary_of_another_size_is_refused(tmp_path: Path) -> None:
    small = tmp_path / "vocab.txt"
    small.write_text("\n".join(VOCAB.read_text(encoding="utf-8").split("\n")[:200]) + "\n", encoding="utf-8")
    with pytest.raises(RunnerError, match="vocab.txt: 200 tokens, the model's vocab_size is 30522"):
        bert.write_tokenizer(small, 30522, tmp_path / "tokenizer.json")


def test_a_checkpoint_tensor_of_another_shape_is_named(model_dir: Path, tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    weights = load_file(str(model_dir / "model.safetensors"))
    weights["qa_outputs.weight"] = weights["qa_outputs.weight"].T.copy()
    (tmp_path / "config.json").write_bytes((model_dir / "config.json").read_bytes())
    save_file(weights, str(tmp_path / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(RunnerError, match=r"tensor qa_outputs.weight has shape \(32, 2\), but config.json implies "
                                          r"\(2, 32\)"):
        bert.read_checkpoint(tmp_path)


# ---- the rows ----------------------------------------------------------------------------------------------

def test_both_rows_are_registered() -> None:
    assert all(("bert-qa", impl) in registry.IMPLEMENTATIONS for impl in ROWS)


def test_rows_agree(runs: dict[str, Any]) -> None:
    (ref_result, ref), (ort_result, ort) = runs["python/transformers"], runs["python/onnxruntime"]
    assert ref_result["status"] == "ok" and ort_result["status"] == "ok"
    for name in ("feature_question", "feature_lengths", "input_ids", "token_type_ids", "offsets", "answer_tokens",
                 "answer_chars"):
        assert np.array_equal(ref[name], ort[name]), name
    for name in ("start_logits", "end_logits"):
        assert np.abs(ref[name] - ort[name]).max() < 1e-4


def test_every_timed_repetition_computes_the_outputs_written(runs: dict[str, Any]) -> None:
    for impl in ROWS:
        result, outputs = runs[impl]
        # The digest of the arrays as loaded is that of the files' data (test_verify).
        written = output_digest({name: outputs[name] for name in VERIFY["answer"]})
        assert result["phases"]["answer"]["output_sha256"] == [written] * 2, impl


def test_long_context_windows_and_empty_context(runs: dict[str, Any]) -> None:
    _, out = runs["python/onnxruntime"]
    per_question = np.bincount(out["feature_question"], minlength=3)
    assert per_question[0] > 2 and per_question[1] == 1 and per_question[2] == 1
    assert out["answer_tokens"][2].tolist() == [-1, -1, -1] and out["answer_chars"][2].tolist() == [-1, -1]
    assert out["feature_lengths"].max() <= 64
    # Zoë's answer is a span of its context, in characters (code points)
    start, end = out["answer_chars"][1]
    assert 0 <= start < end <= len(QUESTIONS[1][1])


def test_offsets_count_code_points(runs: dict[str, Any]) -> None:
    _, out = runs["python/transformers"]
    lengths = out["feature_lengths"]
    second = int(lengths[out["feature_question"] == 0].sum())  # the first feature of question 1
    offsets = out["offsets"][second:second + lengths[np.flatnonzero(out["feature_question"] == 1)[0]]]
    context = QUESTIONS[1][1]
    words = [context[s:e] for s, e in offsets.tolist() if s >= 0]
    assert words[:2] == ["Zoë", "was"] and "Kraków" in words


def test_config_that_disagrees_with_params(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(RunnerError, match=r"^config.json: hidden_size is 32, but params.hidden is 64$"):
        run(bert_spec(model_dir, "python/onnxruntime", hidden=64), tmp_path)


def test_windows_that_cannot_advance_are_refused(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(RunnerError, match="leaves no context room beyond params.doc_stride"):
        run(bert_spec(model_dir, "python/onnxruntime", doc_stride=60), tmp_path)


def test_a_users_checkpoint_is_made_into_the_same_files(model_dir: Path, tmp_path: Path) -> None:
    from safetensors.numpy import load_file

    record = make(BertRequest(out=tmp_path, vocab=tmp_path / "unused", downloads=tmp_path, checkpoint=model_dir))
    assert record["weights"] == "checkpoint"
    mine, theirs = load_file(str(tmp_path / "model.safetensors")), load_file(str(model_dir / "model.safetensors"))
    assert sorted(mine) == sorted(theirs) and all(np.array_equal(mine[k], theirs[k]) for k in mine)
    assert (tmp_path / "vocab.txt").read_bytes() == (model_dir / "vocab.txt").read_bytes()
