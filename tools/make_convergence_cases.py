"""Small simulated data sets on which an optimiser may stop short of lme4's optimum or
off the boundary (issue 8): 3 × 3 random-effects models (intercept and two slopes,
few clusters, predictors scaled from 0.03 to 30) and tiny crossed designs (2–4 × 3–5
levels). Writes tests/data/convergence/{re3,crossed}_cases.csv; lme4's fits of them
come from tools/make_convergence_references.R.

    python3 tools/make_convergence_cases.py && Rscript tools/make_convergence_references.R
"""
import numpy as np
import pandas as pd

OUT = "tests/data/convergence"


def re3(rng, G, m, sx, sz, scale):
    g = np.repeat(np.arange(G), m)
    x = rng.normal(size=G * m) * sx + rng.normal() * sx
    z = rng.normal(size=G * m) * sz
    L = np.array([[1.0, 0, 0], [0.5, 0.6, 0], [0.2, -0.3, 0.15]]) * scale
    b = rng.normal(size=(G, 3)) @ L.T
    y = (1 + 0.5 * x / sx - 0.3 * z / sz + b[g, 0] + b[g, 1] * x / sx + b[g, 2] * z / sz
         + rng.normal(scale=0.8, size=G * m))
    return pd.DataFrame({"y": y, "x": x, "z": z, "g": [f"g{k:02d}" for k in g]})


def crossed(rng, A, B, r, sd):
    a = np.repeat(np.arange(A), B * r)
    b = np.tile(np.repeat(np.arange(B), r), A)
    y = 2 + rng.normal(scale=sd, size=A)[a] + rng.normal(scale=sd, size=B)[b] + rng.normal(size=A * B * r)
    return pd.DataFrame({"y": y, "a": [f"a{k}" for k in a], "b": [f"b{k}" for k in b]})


def main():
    re3_frames, crossed_frames = [], []
    for seed in range(1, 41):
        rng = np.random.default_rng(1000 + seed)
        G, m = int(rng.integers(6, 15)), int(rng.integers(4, 8))
        sx, sz = 10.0 ** rng.uniform(-1.5, 1.5), 10.0 ** rng.uniform(-1.5, 1.5)
        re3_frames.append(re3(rng, G, m, sx, sz, rng.uniform(0.1, 1.5)).assign(case=seed))
        A, B, r = int(rng.integers(2, 5)), int(rng.integers(3, 6)), int(rng.integers(1, 3))
        crossed_frames.append(crossed(rng, A, B, r, 0.2).assign(case=seed))
    pd.concat(re3_frames).to_csv(f"{OUT}/re3_cases.csv", index=False, float_format="%.17g")
    pd.concat(crossed_frames).to_csv(f"{OUT}/crossed_cases.csv", index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
