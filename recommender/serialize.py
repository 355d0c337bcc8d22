"""Save and load model state as one ``.npz`` file, without pickles.

The file holds plain arrays (numbers, or fixed-width unicode for ids and names) and one
JSON string ``__meta__`` with the class name, the constructor parameters and the format
version. Sparse matrices are stored as their CSR parts (``name.data``, ``name.indices``,
``name.indptr``, ``name.shape``). Loading uses ``numpy.load(allow_pickle=False)``, so a
model file can never run code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["FORMAT", "FORMAT_VERSION", "read_npz", "write_npz"]

FORMAT = "recipe-pilot-model"
FORMAT_VERSION = 1
_SPARSE_PARTS = ("data", "indices", "indptr", "shape")


def write_npz(path: str | os.PathLike, meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> None:
    """Write ``meta`` (JSON-able) and ``arrays`` (ndarrays or CSR matrices) to ``path``.

    The file is written at exactly ``path`` (no ``.npz`` suffix is added).
    """
    out: dict[str, np.ndarray] = {
        "__meta__": np.array(json.dumps({"format": FORMAT, "version": FORMAT_VERSION, **meta}))
    }
    for name, value in arrays.items():
        if "." in name or name == "__meta__":
            raise ValueError(f"invalid array name {name!r}")
        if sp.issparse(value):
            csr = sp.csr_matrix(value)
            out[f"{name}.data"] = csr.data
            out[f"{name}.indices"] = csr.indices
            out[f"{name}.indptr"] = csr.indptr
            out[f"{name}.shape"] = np.asarray(csr.shape, dtype=np.int64)
        else:
            array = np.asarray(value)
            if array.dtype.hasobject:
                raise TypeError(
                    f"array {name!r} holds Python objects; convert it to str or numbers"
                )
            out[name] = array
    with open(path, "wb") as handle:
        np.savez(handle, **out)


def read_npz(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read a file written by :func:`write_npz`: ``(meta, arrays)``, CSR matrices rebuilt."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["__meta__"]))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path} is not a {FORMAT} file")
        if meta.get("version", 0) > FORMAT_VERSION:
            raise ValueError(
                f"{path} has format version {meta['version']}; this code reads {FORMAT_VERSION}"
            )
        arrays: dict[str, Any] = {}
        sparse_names = {key.split(".")[0] for key in data.files if "." in key}
        for name in sparse_names:
            parts = {part: data[f"{name}.{part}"] for part in _SPARSE_PARTS}
            arrays[name] = sp.csr_matrix(
                (parts["data"], parts["indices"], parts["indptr"]), shape=tuple(parts["shape"])
            )
        for key in data.files:
            if "." not in key and key != "__meta__":
                arrays[key] = data[key]
    return meta, arrays
