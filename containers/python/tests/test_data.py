"""The input readers: every error names the file and, for CSV, the line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from equibench_runner.data import (
    files_read,
    format_shape,
    read_npy,
    read_npy_header,
    read_numeric_csv,
    read_split,
)
from equibench_runner.protocol import RunnerError

COLUMNS = ("a", "b", "label")


def read_csv(tmp_path: Path, text: str, **kwargs: Any) -> np.ndarray:
    path = tmp_path / "t.csv"
    path.write_text(text)
    return read_numeric_csv(path, COLUMNS, class_column="label", classes=range(3), **kwargs)


def test_csv_rows_in_file_order(tmp_path: Path) -> None:
    table = read_csv(tmp_path, "a,b,label\n1.5,2,0\n-3,4e1,2\n")
    assert table.dtype == np.float64
    assert table.tolist() == [[1.5, 2.0, 0.0], [-3.0, 40.0, 2.0]]


@pytest.mark.parametrize(("text", "message"), [
    ("", "t.csv: file is empty, expected the header 'a,b,label'"),
    ("a,c,label\n1,2,0\n", "t.csv line 1: header is 'a,c,label', expected 'a,b,label'"),
    ("a,b,label\n", "t.csv: no data rows after the header"),
    ("a,b,label\n1,2,0\n1,2\n", "t.csv line 3: expected 3 columns, found 2"),
    ("a,b,label\n1,abc,0\n", "t.csv line 2: column 2 (b) is not a number: 'abc'"),
    ("a,b,label\n1,2,0\nnan,2,0\n", "t.csv line 3: column 1 (a) is not finite: 'nan'"),
    ("a,b,label\n1,inf,0\n", "t.csv line 2: column 2 (b) is not finite: 'inf'"),
    ("a,b,label\n1,2,3\n", "t.csv line 2: column 3 (label) is '3', not one of the classes 0, 1, 2"),
    ("a,b,label\n1,2,0.5\n", "t.csv line 2: column 3 (label) is '0.5', not one of the classes 0, 1, 2"),
])
def test_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RunnerError) as error:
        read_csv(tmp_path, text)
    assert str(error.value) == message


def test_csv_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b,label\n1,\xff,0\n")
    with pytest.raises(RunnerError, match=r"^t\.csv: not UTF-8 text \("):
        read_numeric_csv(path, COLUMNS)


def test_csv_not_found(tmp_path: Path) -> None:
    with pytest.raises(RunnerError, match=r"^CSV file not found: .*nowhere\.csv$"):
        read_numeric_csv(tmp_path / "nowhere.csv", COLUMNS)


def test_npy_reads_and_registers_the_file(write_npy: Callable[[str, Any], Path]) -> None:
    path = write_npy("x", np.arange(6.0).reshape(2, 3))
    array = read_npy(path, "<f8", (2, None))
    assert array.shape == (2, 3)
    assert path in files_read()


@pytest.mark.parametrize(("array", "dtype", "shape", "message"), [
    (np.zeros((4, 8)), "<f8", (4, 12), "x.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 8)"),
    (np.zeros(150), "<i8", (150,), "x.npy: expected <i8 of shape (150,), found <f8 of shape (150,)"),
    (np.zeros(8), "<f8", (8, None), "x.npy: expected <f8 of shape (8, ?), found <f8 of shape (8,)"),
    (np.array([1.0, np.nan]), "<f8", (2,), "x.npy: contains NaN or infinite values"),
])
def test_npy_errors(write_npy: Callable[[str, Any], Path], array: np.ndarray, dtype: str,
                    shape: tuple[int | None, ...], message: str) -> None:
    path = write_npy("x", array)
    with pytest.raises(RunnerError) as error:
        read_npy(path, dtype, shape)
    assert str(error.value) == message


def test_npy_not_an_array(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    path.write_text("not numpy")
    with pytest.raises(RunnerError, match=r"^x\.npy: not a readable \.npy file: "):
        read_npy(path, "<f8", (None,))
    with pytest.raises(RunnerError, match=r"^x\.npy: not a readable \.npy file: "):
        read_npy_header(path)


def test_npy_header_alone(write_npy: Callable[[str, Any], Path]) -> None:
    path = write_npy("h", np.zeros((3, 5), dtype="<i8"))
    dtype, shape = read_npy_header(path)
    assert (dtype.str, shape) == ("<i8", (3, 5))
    # A header vouches for no contents, so the manifest must not hash the file for it.
    assert path not in files_read()


def test_split_must_be_a_permutation(write_npy: Callable[[str, Any], Path]) -> None:
    path = write_npy("split", np.array([0, 1, 1], dtype="<i8"))
    with pytest.raises(RunnerError, match=r"^split\.npy: not a permutation of 0\.\.2$"):
        read_split(path, 3)


@pytest.mark.parametrize(("shape", "text"), [((4, 12), "(4, 12)"), ((150,), "(150,)"), ((8, None), "(8, ?)"),
                                             ((), "()"), ((None, None), "(?, ?)")])
def test_format_shape(shape: tuple[int | None, ...], text: str) -> None:
    assert format_shape(shape) == text
