"""Input files: the readers shared by all tasks (numeric CSV, .npy arrays, checked on the way in), .npy headers
read without the data, and file hashes.

Every error names the file and, for CSV, the physical line (the header is line 1) and the column
(counted from 1), so a broken input is found from the harness report alone.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import math
import os
import tokenize
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .protocol import RunnerError

# Every file the readers below have opened, so that the manifest hashes exactly the inputs a task read.
_files_read: set[Path] = set()


def files_read() -> frozenset[Path]:
    """The paths the readers of this module have opened so far, as they were given."""
    return frozenset(_files_read)


def read_numeric_csv(path: Path, columns: Sequence[str], *, class_column: str | None = None,
                     classes: Collection[int] = ()) -> np.ndarray:
    """All cells as a float64 matrix, rows in file order.

    The header must name exactly `columns`. Every cell must be a finite number; the cells of
    `class_column`, if given, must be integers from `classes`.
    """
    columns = list(columns)
    class_index = columns.index(class_column) if class_column is not None else None
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            _files_read.add(path)
            reader = csv.reader(f)
            try:
                header = next(reader, None)
                if header is None:
                    raise RunnerError(f"{path.name}: file is empty, expected the header {','.join(columns)!r}")
                if [cell.strip() for cell in header] != columns:
                    raise RunnerError(f"{path.name} line 1: header is {','.join(header)!r}, "
                                      f"expected {','.join(columns)!r}")
                rows = []
                for cells in reader:
                    where = f"{path.name} line {reader.line_num}"
                    rows.append(_parse_row(cells, columns, where, class_index, classes))
            except csv.Error as e:
                raise RunnerError(f"{path.name} line {reader.line_num}: {e}") from None
    except FileNotFoundError:
        raise RunnerError(f"CSV file not found: {path}") from None
    except UnicodeDecodeError as e:
        raise RunnerError(f"{path.name}: not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise RunnerError(f"cannot read {path}: {e.strerror}") from None
    if not rows:
        raise RunnerError(f"{path.name}: no data rows after the header")
    return np.array(rows, dtype=np.float64)


def _parse_row(cells: list[str], columns: list[str], where: str, class_index: int | None,
               classes: Collection[int]) -> list[float]:
    if len(cells) != len(columns):
        raise RunnerError(f"{where}: expected {len(columns)} columns, found {len(cells)}")
    values = []
    for index, cell in enumerate(cells):
        column = f"column {index + 1} ({columns[index]})"
        try:
            value = float(cell)
        except ValueError:
            raise RunnerError(f"{where}: {column} is not a number: {cell!r}") from None
        if not math.isfinite(value):
            raise RunnerError(f"{where}: {column} is not finite: {cell!r}")
        if index == class_index and not (value.is_integer() and int(value) in classes):
            allowed = ", ".join(str(c) for c in sorted(classes))
            raise RunnerError(f"{where}: {column} is {cell!r}, not one of the classes {allowed}")
        values.append(value)
    return values


def read_npy(path: Path, dtype: str, shape: tuple[int | None, ...]) -> np.ndarray:
    """A .npy array of exactly this dtype (such as '<f8') and shape; float arrays must be finite.

    A None in `shape` accepts any length along that axis (for data whose size the spec leaves open).
    """
    try:
        with path.open("rb") as f:
            _read_header(f, path)  # first: NumPy would allocate whatever size the header declares
            f.seek(0)
            array = np.lib.format.read_array(f, allow_pickle=False)
    except FileNotFoundError:
        raise RunnerError(f"npy file not found: {path}") from None
    except (OSError, ValueError, EOFError) as e:
        raise RunnerError(f"{path.name}: not a readable .npy file: {e}") from None
    _files_read.add(path)
    check_array_type(path, dtype, shape, array.dtype, array.shape)
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise RunnerError(f"{path.name}: contains NaN or infinite values")
    return array


def read_split(path: Path, n_rows: int) -> np.ndarray:
    """The harness's row order: an <i8 permutation of 0..n_rows-1."""
    split = read_npy(path, "<i8", (n_rows,))
    if not np.array_equal(np.sort(split), np.arange(n_rows)):
        raise RunnerError(f"{path.name}: not a permutation of 0..{n_rows - 1}")
    return split


def read_npy_header(path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    """The dtype and shape a .npy file declares, read from its header alone (the data is not loaded).

    Not counted among the files read: looking at a header vouches for no contents in the manifest.
    """
    try:
        with path.open("rb") as f:
            return _read_header(f, path)
    except FileNotFoundError:
        raise RunnerError(f"npy file not found: {path}") from None
    except (OSError, ValueError, EOFError) as e:
        raise RunnerError(f"{path.name}: not a readable .npy file: {e}") from None


_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
# More than the longest header NumPy accepts (10,000 bytes). NumPy reads as many header bytes as the header's
# length field claims, up to 4 GiB in format 2.0, before it checks them; read from this prefix, a false length
# fails on the bytes that are there.
_HEADER_PREFIX_BYTES = 1 << 16
# Besides ValueError, what NumPy's header parser raises on a malformed header: it evaluates the header with
# ast.literal_eval (whose parser runs out of stack, not memory, on deep nesting), retries through tokenize, and
# builds a dtype from whatever literal it found.
_MALFORMED_HEADER = (TypeError, IndexError, SyntaxError, RecursionError, MemoryError, tokenize.TokenError)
# NumPy counts a shape's elements in an int64.
_MAX_ELEMENTS = np.iinfo(np.int64).max


def _read_header(f: BinaryIO, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    """The dtype and shape declared by the header at the start of `f`, which must describe data the file holds:
    a header claiming more must not make a reader allocate it."""
    prefix = f.read(_HEADER_PREFIX_BYTES)
    if prefix.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise RunnerError(f"{path.name}: expected a single .npy array, found an .npz archive")
    head = io.BytesIO(prefix)
    version = np.lib.format.read_magic(head)
    if version not in _HEADER_READERS:
        raise ValueError(f"format version {version[0]}.{version[1]} is not supported")
    try:
        shape, _, dtype = _HEADER_READERS[version](head)
    except _MALFORMED_HEADER as e:
        raise ValueError(f"cannot parse the header: {str(e) or type(e).__name__}") from None
    # NumPy accepts any ints as lengths, True and negative ones included.
    if not all(type(dim) is int and 0 <= dim <= _MAX_ELEMENTS for dim in shape) or math.prod(shape) > _MAX_ELEMENTS:
        raise ValueError(f"shape is not valid: {shape!r}")
    # Object arrays are pickles of no declared size (and are refused when read).
    if not dtype.hasobject:
        declared = math.prod(shape) * dtype.itemsize
        held = os.fstat(f.fileno()).st_size - head.tell()
        if declared > held:
            raise ValueError(f"shape {format_shape(shape)} of {dtype.str} in the header needs {declared} bytes of "
                             f"data, the file has {held}")
    return dtype, shape


def check_array_type(path: Path, dtype: str | None, shape: tuple[int | None, ...] | None, found_dtype: np.dtype,
                     found_shape: tuple[int, ...]) -> None:
    """Fails, naming the file, unless the array has this dtype and shape; None accepts any dtype, shape or
    length along one axis, and a message leaves out what was not asked for."""
    dtype_matches = dtype is None or found_dtype == np.dtype(dtype)
    shape_matches = shape is None or (len(found_shape) == len(shape) and
                                      all(want in (None, got) for want, got in zip(shape, found_shape)))
    if not (dtype_matches and shape_matches):
        expected = [dtype] if dtype is not None else []
        if shape is not None:
            expected.append(f"shape {format_shape(shape)}")
        raise RunnerError(f"{path.name}: expected {' of '.join(expected)}, found {found_dtype.str} of shape "
                          f"{format_shape(found_shape)}")


def format_shape(shape: tuple[int | None, ...]) -> str:
    """A shape written as a Python tuple, `?` for a length left open: `(4, 12)`, `(150,)`, `(8, ?)`."""
    return str(tuple(shape)).replace("None", "?")


@functools.lru_cache(maxsize=None)
def sha256_file(path: Path) -> str:
    """The file's SHA-256, lowercase hex, read in chunks.

    Cached: the inputs are verified before the phases and reported in the manifest after them, and a run never
    changes its input files, so one pass over each file serves both.
    """
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
