"""The aliased-column test (fixed.independent_columns) done block by block: the same
decisions and the same |R_jj| / ‖x_j‖ as one QR of the whole matrix (scipy's, the
former implementation), for one block and for many."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from mixeq.design import fixed


def whole_qr_ratios(X: np.ndarray) -> np.ndarray:
    """|R_jj| / ‖x_j‖ from one QR of the column-scaled X (the former computation)."""
    scale = np.abs(X).max(axis=0)
    Y = X / np.where(scale > 0, scale, 1.0)
    R = scipy.linalg.qr(Y, mode="economic")[1]
    return np.abs(np.diag(R)) / np.sqrt(np.einsum("ij,ij->j", Y, Y))


def blocked_ratios(X: np.ndarray) -> np.ndarray:
    R = np.zeros((0, X.shape[1]))
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    for start in range(0, X.shape[0], fixed.CHUNK_ROWS):
        R = np.linalg.qr(np.vstack([R, X[start:start + fixed.CHUNK_ROWS] / scale]), mode="r")
    return np.abs(np.diag(R)) / np.sqrt(np.einsum("ij,ij->j", R, R))


def matrices():
    rng = np.random.default_rng(7)
    n = 5000
    x, z = rng.normal(size=n), rng.normal(size=n)
    one = np.ones(n)
    return {
        "full rank": np.column_stack([one, x, z, x * z]),
        "exact alias": np.column_stack([one, x, z, 2 * x - 3 * z]),
        "alias at 1e-9": np.column_stack([one, x, x + 1e-9 * z]),
        "kept at 1e-5": np.column_stack([one, x, x + 1e-5 * z]),
        "large values": np.column_stack([one, 1e160 * x, 1e-150 * z]),
        "zero column": np.column_stack([one, np.zeros(n), x]),
    }


@pytest.mark.parametrize("chunk", [fixed.CHUNK_ROWS, 700])
@pytest.mark.parametrize("name", list(matrices()))
def test_blocked_qr_decides_as_one_qr(monkeypatch, chunk, name):
    monkeypatch.setattr(fixed, "CHUNK_ROWS", chunk)
    X = matrices()[name]
    with np.errstate(invalid="ignore"):
        got = blocked_ratios(X)
        want = whole_qr_ratios(X)
    if name != "zero column":   # after a zero column R_jj depends on how LAPACK skips it:
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-13)   # only decisions count
    expected = {"full rank": [1, 1, 1, 1], "exact alias": [1, 1, 1, 0], "alias at 1e-9": [1, 1, 0],
                "kept at 1e-5": [1, 1, 1], "large values": [1, 1, 1], "zero column": [1, 0, 1]}[name]
    assert fixed.independent_columns(X).tolist() == [bool(v) for v in expected]


def test_fewer_rows_than_columns():
    X = np.array([[1.0, 2.0, 3.0], [1.0, 5.0, 7.0]])
    assert fixed.independent_columns(X).tolist() == [True, True, False]


@pytest.mark.parametrize("name", list(matrices()))
def test_lapack_r_is_numpys(name):
    """_qr_r (scipy's dgeqrf binding) gives np.linalg.qr's R (the same LAPACK routine)."""
    X = matrices()[name][:300]
    np.testing.assert_allclose(fixed._qr_r(X), np.linalg.qr(X, mode="r"), rtol=1e-12, atol=1e-300)
    assert fixed._qr_r(X[:2]).shape == np.linalg.qr(X[:2], mode="r").shape   # fewer rows than columns
