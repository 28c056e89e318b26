"""Bounded property-based fuzzing of the input readers (data.py) and the spec parser (protocol.py).

The contract: for any bytes or JSON value a reader returns a value or raises RunnerError naming the file or the
spec field, never another exception, and never allocates for a size that a header declares but the file does not
hold. Every test runs a fixed, derandomized number of examples, so a run is reproducible and the module stays
within its time budget; the regressions below it pin each crash the fuzzing found.
"""

from __future__ import annotations

import copy
import io
import json
import struct
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from equibench_runner.data import check_array_type, read_npy, read_npy_header, read_numeric_csv, read_split
from equibench_runner.protocol import RunnerError, Spec, parse_spec, read_spec_json

# Reproducible and bounded: the same examples on every run, none saved between runs, no time limit per example
# (a slow machine must not fail them); each test sets its own number of examples within the module's budget.
settings.register_profile("readers-fuzz", deadline=None, derandomize=True, database=None, max_examples=100)
FUZZ = settings.get_profile("readers-fuzz")

# Malformed .npy headers make ast.literal_eval and NumPy warn (bad escapes, Python 2 headers) before they fail.
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::SyntaxWarning"),
              pytest.mark.filterwarnings("ignore:Reading `.npy`:UserWarning")]

COLUMNS = ("a", "b", "label")
MAGIC = b"\x93NUMPY"


@contextmanager
def allocation_bound(file_size: int) -> Iterator[None]:
    """Fails if the block allocates more than a small multiple of the file's real size (NumPy's array data
    included): a header's claims must never be taken as a size to allocate."""
    tracemalloc.start()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak <= 16 * 2**20 + 4 * file_size, f"allocated {peak} bytes for a file of {file_size}"


def check_contract(read: Callable[[], Any], name: str) -> Any:
    """Runs a reader; a RunnerError must name `name`, and any other exception fails the test as it is."""
    try:
        return read()
    except RunnerError as error:
        assert name in str(error), f"{error} does not name {name}"
        return None


# -- .npy files --------------------------------------------------------------------------------------------------

SAVED_DTYPES = ["<f8", "<f4", ">f8", "<f2", "<i8", ">i4", "|u1", "|b1", "<c16", "<U2", "|S3", "<M8[D]", "<m8[s]",
                np.dtype([("x", "<f8"), ("y", "<i2")])]
DECLARED_DTYPES = ["<f8", "<i8", "<f4", ">f8", "|u1", "<c16", "|O", "<U2"]


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npy_file(header: bytes, payload: bytes, version: tuple[int, int] = (1, 0), length: int | None = None) -> bytes:
    """A .npy file written by hand: the header's length field may lie (`length`), and its text may be anything."""
    length_format = "<H" if version[0] < 2 else "<I"
    return (MAGIC + bytes(version) + struct.pack(length_format, len(header) if length is None else length)
            + header + payload)


def check_npy_readers(path: Path, data: bytes, dtype: str = "<f8", shape: tuple[int | None, ...] = (None,),
                      n_rows: int = 3) -> None:
    """Writes the bytes and puts every .npy reader to the contract, within the allocation bound."""
    path.write_bytes(data)
    with allocation_bound(len(data)):
        found = check_contract(lambda: read_npy_header(path), path.name)
        if found is not None:
            found_dtype, found_shape = found
            assert isinstance(found_dtype, np.dtype)
            assert all(type(dim) is int and dim >= 0 for dim in found_shape)
            check_contract(lambda: check_array_type(path, dtype, shape, found_dtype, found_shape), path.name)
        array = check_contract(lambda: read_npy(path, dtype, shape), path.name)
        if array is not None:
            assert array.dtype == np.dtype(dtype)
        split = check_contract(lambda: read_split(path, n_rows), path.name)
        if split is not None:
            assert sorted(split.tolist()) == list(range(n_rows))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(FUZZ, max_examples=300)
@given(data=st.one_of(st.binary(max_size=200), st.binary(max_size=200).map(lambda tail: MAGIC + tail),
                      st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail)))
def test_npy_readers_on_arbitrary_bytes(fuzz_dir: Path, data: bytes) -> None:
    check_npy_readers(fuzz_dir / "bytes.npy", data)


@settings(FUZZ, max_examples=300)
@given(array=hnp.arrays(st.sampled_from(SAVED_DTYPES), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0,
                                                                         max_side=4)),
       changes=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=4),
       cut=st.one_of(st.none(), st.integers(min_value=0)), declared=st.sampled_from(DECLARED_DTYPES),
       n_rows=st.integers(0, 5))
def test_npy_readers_on_mutated_files(fuzz_dir: Path, array: np.ndarray, changes: list[tuple[int, int]],
                                      cut: int | None, declared: str, n_rows: int) -> None:
    data = bytearray(npy_bytes(array))
    for index, value in changes:  # anywhere: magic, version, header length, header text or payload
        data[index % len(data)] = value
    if cut is not None:
        data = data[:cut % (len(data) + 1)]
    check_npy_readers(fuzz_dir / "mutated.npy", bytes(data), declared, array.shape, n_rows)


DESCRS = st.one_of(
    st.sampled_from(["<f8", "<i8", "<c16", "|O", ">f8", "<U0", "|V0", "V8", "<f8\x00", "(3,)<f8", "<M8", "float64",
                     "garbage", "", "<U2147483648", "(1000000000000,)f8", "O,O"]),
    st.sampled_from([[("a", "<f8")], [("a", "<f8", (2,))], [("", "|V4")], [("a", "|O")], [()], [("a",)],
                     [(1, "<f8")], [("a", "<f8"), ("a", "<i4")], ("<f8",), (), ("<f8", (10**9,)), ("<f8", 10**30),
                     ("<f8", -1), [("a", "<f8", (10**6, 10**6))], [5], 5, None, {"a": 1}]),
)
DIMS = st.one_of(st.integers(0, 4), st.sampled_from([-1, -(10**12), 10**12, 2**31, 2**63, 2**64, True, 1.5, None,
                                                     "3"]))
SHAPES = st.one_of(st.lists(DIMS, max_size=4).map(tuple), st.sampled_from([[3], 3, None, "(3,)", ()]))


@st.composite
def header_dicts(draw: st.DrawFn) -> str:
    """A header as NumPy writes it, its fields drawn from valid and invalid values, a key sometimes dropped,
    renamed or added."""
    fields: dict[Any, Any] = {"descr": draw(DESCRS), "fortran_order": draw(st.one_of(
        st.booleans(), st.sampled_from([0, 1, None, "yes"]))), "shape": draw(SHAPES)}
    change = draw(st.sampled_from(["none", "none", "drop", "add", "other key"]))
    if change == "drop":
        del fields[draw(st.sampled_from(sorted(fields)))]
    elif change == "add":
        fields["extra"] = 1
    elif change == "other key":
        fields[1] = 0
    return "{" + "".join(f"{key!r}: {value!r}, " for key, value in fields.items()) + "}"


@settings(FUZZ, max_examples=400)
@given(header=header_dicts(), version=st.sampled_from([(1, 0), (2, 0), (3, 0), (0, 0), (255, 255)]),
       payload_size=st.sampled_from([0, 1, 8, 24, 64]), declared=st.sampled_from(DECLARED_DTYPES),
       n_rows=st.integers(0, 3))
def test_npy_readers_on_rewritten_headers(fuzz_dir: Path, header: str, version: tuple[int, int],
                                          payload_size: int, declared: str, n_rows: int) -> None:
    text = header.ljust(63) + "\n"
    encoded = text.encode("utf-8" if version == (3, 0) else "latin-1", errors="replace")
    check_npy_readers(fuzz_dir / "header.npy", npy_file(encoded, bytes(payload_size), version), declared,
                      (None,), n_rows)


VALID_HEADER = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
HEADER_TEXTS = st.one_of(
    st.text(max_size=100),
    st.text(max_size=40).map(lambda junk: VALID_HEADER[:-1] + junk),  # a field appended, or the dict left open
    st.integers(1, 9000).map(lambda depth: "-" * depth + "1"),  # nesting that ast.literal_eval cannot follow
    st.integers(1, 300).map(lambda depth: "{'shape': " + "(" * depth),
    st.sampled_from(["{[]: 1}", "{{}}", "{'a': (", "1" * 5000, "\x00", "{'shape': (3L,)}", "\tif", " 1\n  2",
                     "  1\n 2"]),
)


@settings(FUZZ, max_examples=150)
@given(text=HEADER_TEXTS, version=st.sampled_from([(1, 0), (2, 0), (3, 0)]),
       length=st.one_of(st.none(), st.integers(0, 2**16 - 1), st.just(2**32 - 1)))
def test_npy_readers_on_header_text(fuzz_dir: Path, text: str, version: tuple[int, int], length: int | None) -> None:
    if length is not None and version == (1, 0):
        length %= 2**16  # what the 2-byte length field of format 1.0 can hold
    encoded = text.encode("utf-8" if version == (3, 0) else "latin-1", errors="replace")
    check_npy_readers(fuzz_dir / "text.npy", npy_file(encoded, bytes(24), version, length))


DECLARABLE_DTYPES = ["<f8", "<f4", "<i8", "|u1", ">f8", "<c16", "|O", "<U3", "|V8"]
FOUND_DTYPES = DECLARABLE_DTYPES + ["|b1", "<M8[D]", "|S0", np.dtype([("x", "<f8"), ("y", "<i2")]),
                                    np.dtype(("<f8", (2,)))]


@settings(FUZZ, max_examples=300)
@given(dtype=st.one_of(st.none(), st.sampled_from(DECLARABLE_DTYPES)),
       shape=st.one_of(st.none(), st.lists(st.one_of(st.none(), st.integers(0, 2**63)), max_size=4).map(tuple)),
       found_dtype=st.sampled_from(FOUND_DTYPES).map(np.dtype),
       found_shape=st.lists(st.integers(0, 2**63), max_size=4).map(tuple))
def test_check_array_type(dtype: str | None, shape: tuple[int | None, ...] | None, found_dtype: np.dtype,
                          found_shape: tuple[int, ...]) -> None:
    path = Path("/in/x.npy")
    check_contract(lambda: check_array_type(path, dtype, shape, found_dtype, found_shape), "x.npy")


# -- CSV files ---------------------------------------------------------------------------------------------------

CELLS = st.one_of(
    st.floats().map(repr),  # includes nan, inf and -0.0
    st.integers(-3, 5).map(str),
    st.sampled_from(["", " 1 ", "1e999", "-1e-999", "0x1", "1_0", "Infinity", "nan", "\ufeff1", "\u0663", "\x00",
                     '"', '"1,2"', "1\r\n2", "1" * 200_000]),
    st.text(max_size=6),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV from drawn rows: the right header or not, any column counts, any line ends, sometimes a BOM, bytes
    that are no UTF-8 or no text at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    header = ",".join(COLUMNS) if draw(st.booleans()) else ",".join(draw(st.lists(CELLS, max_size=4)))
    rows = [",".join(row) for row in draw(st.lists(st.lists(CELLS, max_size=5), max_size=6))]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join([header] + rows)
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data + draw(st.sampled_from([b"", b"\n", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\n1,2,0\n\x80"]))


@settings(FUZZ, max_examples=300)
@given(data=csv_files(), with_classes=st.booleans())
def test_csv_reader(fuzz_dir: Path, data: bytes, with_classes: bool) -> None:
    path = fuzz_dir / "table.csv"
    path.write_bytes(data)
    kwargs: dict[str, Any] = {"class_column": "label", "classes": range(3)} if with_classes else {}
    table = check_contract(lambda: read_numeric_csv(path, COLUMNS, **kwargs), path.name)
    if table is not None:
        assert table.dtype == np.float64 and table.shape[1:] == (len(COLUMNS),) and np.isfinite(table).all()


# -- spec.json ---------------------------------------------------------------------------------------------------

VALID_SPEC: dict[str, Any] = {
    "protocol": 1, "task": "iris-mlp", "impl": "python/numpy", "device": "cpu", "dtype": "f64",
    "threads": 1, "warmup": 0, "warmup_min_ms": 0, "repetitions": 1,
    "phases": ["load", "train", "infer_single", "infer_batch"],
    "inputs": {
        "data": {"path": "/in/iris.csv", "sha256": "0" * 64, "kind": "csv"},
        "split": {"path": "/in/split.npy", "sha256": "0" * 64, "kind": "npy", "dtype": "<i8", "shape": [12]},
        "W1": {"path": "/in/W1.npy", "sha256": None, "kind": "npy", "dtype": "<f8", "shape": [4, "hidden"]},
    },
    "params": {"epochs": 5, "batch_size": 4, "learning_rate": 0.1, "hidden": 3, "n_train": 9},
    "outputs": ["W1", "b1", "loss_curve"],
    "verify": {"train": ["W1", "loss_curve"]},
}
# Every field, and a few values inside fields, that a change can hit: (top-level key, key or index, ...).
SPEC_PLACES = ([(key,) for key in VALID_SPEC] + [("phases", 0), ("outputs", 2), ("params", "hidden"),
                                                 ("verify", "train"), ("verify", "infer_single")]
               + [("inputs", role) for role in VALID_SPEC["inputs"]]
               + [("inputs", role, field) for role in ("data", "W1")
                  for field in ("path", "sha256", "kind", "dtype", "shape")])


class Nested(list):
    """A list holding objects and lists nested `depth` deep in all, built without recursion; its repr, which
    Hypothesis prints, gives the depth, as the plain repr would exceed the recursion limit."""

    def __init__(self, depth: int) -> None:
        value: Any = 1
        for level in range(depth - 1):
            value = [value] if level % 2 else {"k": value}
        super().__init__([value])
        self.depth = depth

    def __repr__(self) -> str:
        return f"Nested({self.depth})"


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(),
    # The longest integers json.loads accepts (Python's 4,300-digit limit), and the edges of int64.
    st.sampled_from([10**4299, -(10**4299), 2**63, -(2**63) - 1, 2**64]),
    st.text(st.characters(exclude_categories=()), max_size=8),  # lone surrogates included, as "\ud800" can be
)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)), max_leaves=10)
SPEC_VALUES = st.one_of(
    JSON_VALUES,
    st.integers(1, 5000).map(Nested),
    st.sampled_from(["<U2147483648", "(1000000000000,)f8", "M8[1000000000000000000000Y]", "|O", "<f8\x00", "S-1",
                     "relative/path", "", "/", [None, "hidden", 0], [-1], [2**64], ["load", "load"]]),
)


@st.composite
def changed_specs(draw: st.DrawFn, values: st.SearchStrategy[Any] = SPEC_VALUES) -> tuple[dict[str, Any], set[str]]:
    """The valid spec with one to three fields removed or replaced; returns it and the top-level keys changed."""
    raw = copy.deepcopy(VALID_SPEC)
    touched = set()
    for *keys, last in draw(st.lists(st.sampled_from(SPEC_PLACES), min_size=1, max_size=3)):
        container = raw
        for key in keys:
            container = container.get(key) if isinstance(container, dict) else None
        if not (isinstance(container, dict) and isinstance(last, str)
                or isinstance(container, list) and isinstance(last, int) and last < len(container)):
            continue  # an earlier change replaced what this one would reach into
        touched.add(keys[0] if keys else last)
        if isinstance(container, dict) and draw(st.integers(0, 3)) == 0:
            container.pop(last, None)
        else:
            container[last] = draw(values)
    return raw, touched


def check_spec_message(error: RunnerError, touched: set[str]) -> None:
    message = str(error)
    assert message.startswith("spec"), message
    assert any(key in message for key in touched), f"{message!r} names none of {sorted(touched)}"


@settings(FUZZ, max_examples=500)
@given(change=changed_specs())
def test_parse_spec(change: tuple[dict[str, Any], set[str]]) -> None:
    raw, touched = change
    try:
        spec = parse_spec(raw)
    except RunnerError as error:
        check_spec_message(error, touched)
    else:
        assert isinstance(spec, Spec)


def deep_json(depth: int) -> str:
    return '{"protocol": ' + "[" * depth + "]" * depth + "}"


SPEC_TEXTS = st.one_of(
    changed_specs(JSON_VALUES).map(lambda change: json.dumps(change[0])),
    st.sampled_from([json.dumps(VALID_SPEC), "[1, 2]", "null", "NaN", '{"protocol": 1e999}', "{}", "\ufeff{}",
                     '{"protocol": ' + "1" * 5000 + "}", '{"task": "\\ud800"}', '{"a": 1, "a": 2}']),
    st.integers(1, 100_000).map(deep_json),
    st.text(max_size=60),
)


@settings(FUZZ, max_examples=250)
@given(text=SPEC_TEXTS, tail=st.sampled_from([b"", b"\xff", b"\xed\xa0\x80"]))
def test_spec_file(fuzz_dir: Path, text: str, tail: bytes) -> None:
    path = fuzz_dir / "spec.json"
    path.write_bytes(text.encode("utf-8") + tail)
    raw = check_contract(lambda: read_spec_json(path), path.name)
    if raw is not None:
        assert isinstance(raw, dict)
        try:
            parse_spec(raw)
        except RunnerError as error:
            assert str(error).startswith("spec"), str(error)


# -- regressions: inputs that made a reader crash before its fix -------------------------------------------------

def npy_header(descr: str, shape: str) -> bytes:
    return f"{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}, }}".encode("latin-1")


@pytest.mark.parametrize(("data", "message"), [
    # zipfile.BadZipFile from np.load: bytes that begin like a zip archive but are none
    (b"PK\x03\x04", "x.npy: expected a single .npy array, found an .npz archive"),
    # TypeError from NumPy sorting the header's keys: a key that is no string
    (npy_file(b"{'descr': '<f8', 'fortran_order': False, 'shape': (), 1: 0}", bytes(8)),
     "x.npy: not a readable .npy file: cannot parse the header: '<' not supported between instances of 'int' and "
     "'str'"),
    # TypeError from ast.literal_eval: an unhashable key
    (npy_file(b"{[]: 1}", b""), "x.npy: not a readable .npy file: cannot parse the header: unhashable type: 'list'"),
    # tokenize.TokenError from NumPy's retry of a header that does not parse: the dict left open
    (npy_file(b"{", b""), "x.npy: not a readable .npy file: cannot parse the header: "
                          "('EOF in multi-line statement', (2, 0))"),
    # IndentationError from that retry: lines indented inconsistently
    (npy_file(b"  1\n 2", b""), "x.npy: not a readable .npy file: cannot parse the header: "
                                "unindent does not match any outer indentation level (<tokenize>, line 2)"),
    # IndexError from NumPy's descr_to_dtype: an empty tuple as descr
    (npy_file(npy_header("()", "()"), b""), "x.npy: not a readable .npy file: cannot parse the header: "
                                             "tuple index out of range"),
    # RecursionError from ast.parse (its limit is 3 × the recursion limit): unary minus nested 4,000 deep
    (npy_file(b"-" * 4000 + b"1", b""), "x.npy: not a readable .npy file: cannot parse the header: "
                                        "maximum recursion depth exceeded"),
    # MemoryError from Python's parser (out of parser stack): unary minus nested 9,000 deep
    (npy_file(b"-" * 9000 + b"1", b""), "x.npy: not a readable .npy file: cannot parse the header: MemoryError"),
    # MemoryError from np.load allocating the 8 TB the header declares
    (npy_file(npy_header("'<f8'", f"({10**12},)"), bytes(8)),
     "x.npy: not a readable .npy file: shape (1000000000000,) of <f8 in the header needs 8000000000000 bytes of "
     "data, the file has 8"),
    # 4 GiB allocated by NumPy reading the header length a format 2.0 header claims
    (npy_file(b"{}", b"", (2, 0), 2**32 - 1),
     "x.npy: not a readable .npy file: EOF: reading array header, expected 4294967295 bytes got 2"),
    # OverflowError from np.load counting the elements of an object array in an int64
    (npy_file(npy_header("'|O'", f"({2**64},)"), b""),
     "x.npy: not a readable .npy file: shape is not valid: (18446744073709551616,)"),
    # no crash, but loaded before the fix: NumPy took -1 as a length to infer
    (npy_file(npy_header("'<f8'", "(-1,)"), bytes(8)), "x.npy: not a readable .npy file: shape is not valid: (-1,)"),
])
def test_npy_regressions(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.npy"
    path.write_bytes(data)
    for read in (lambda p: read_npy(p, "<f8", (None,)), read_npy_header):
        with allocation_bound(len(data)), pytest.raises(RunnerError) as error:
            read(path)
        assert str(error.value).startswith(message)


@pytest.mark.parametrize(("text", "message"), [
    # RecursionError from json.loads: arrays nested 100,000 deep
    (deep_json(100_000), "cannot be read: maximum recursion depth exceeded while decoding a JSON array"),
    # ValueError from json.loads: an integer of 5,000 digits
    ('{"protocol": ' + "1" * 5000 + "}",
     "cannot be read: Exceeds the limit (4300 digits) for integer string conversion"),
])
def test_spec_file_regressions(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(text)
    with pytest.raises(RunnerError) as error:
        read_spec_json(path)
    assert str(error.value).startswith(f"spec {path} {message}")


@pytest.mark.parametrize(("place", "message"), [
    # RecursionError from json.dumps quoting the value in the message: each a value nested 5,000 deep
    (("threads",), "spec: 'threads' must be an integer, got a list nested too deeply to show"),
    (("inputs", "W1"), "spec inputs.W1 must be an object with path, sha256 and kind, got a list nested too deeply "
                       "to show"),
    (("inputs", "W1", "dtype"), "spec: inputs.W1.dtype must be a NumPy descr such as '<f8', got a list nested too "
                                "deeply to show"),
    (("inputs", "W1", "shape"), "spec: inputs.W1.shape must be a list of lengths, param names and nulls, got a list "
                                "nested too deeply to show"),
])
def test_parse_spec_regressions(place: tuple[str, ...], message: str) -> None:
    raw = copy.deepcopy(VALID_SPEC)
    *keys, last = place
    container = raw
    for key in keys:
        container = container[key]
    container[last] = Nested(5000)
    with pytest.raises(RunnerError) as error:
        parse_spec(raw)
    assert str(error.value) == message
