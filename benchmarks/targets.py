"""The targets of issue 4, checked against one benchmark run's records."""
from __future__ import annotations

from dataclasses import dataclass

ALTERNATIVES = ("mixedlm", "statsmodels", "lme4")
OBJECTIVE_RTOL = 1e-6


@dataclass
class Target:
    description: str
    measured: str
    status: str  # PASS, MISS or n/a


def _find(records, case, engine):
    for rec in records:
        if rec["case"] == case and rec["engine"] == engine and "total_s" in rec:
            return rec
    return None


def _limit(description, rec, key, limit, unit, scale=1.0) -> Target:
    if rec is None or rec.get(key) is None:
        return Target(description, "not measured", "n/a")
    value = rec[key] * scale
    return Target(description, f"{value:.4g} {unit}", "PASS" if value <= limit else "MISS")


def speed_targets(records) -> list[Target]:
    insteval = _find(records, "insteval", "mixeq")
    sleep = _find(records, "sleepstudy", "mixeq")
    return [
        _limit("InstEval REML fit, design + fit <= 1.5 s", insteval, "total_s", 1.5, "s"),
        _limit("InstEval fit alone <= 1.5 s", insteval, "fit_s", 1.5, "s"),
        _limit("InstEval peak memory (whole process RSS) < 1 GB", insteval, "peak_rss_mb",
               1024, "MB"),
        _limit("sleepstudy fit <= 2 ms", sleep, "fit_s", 2.0, "ms", 1000.0),
        _limit("sleepstudy design + fit <= 2 ms", sleep, "total_s", 2.0, "ms", 1000.0),
    ]


def faster_targets(records, case_names) -> list[Target]:
    out = []
    for case in case_names:
        ours = _find(records, case, "mixeq")
        for alt in ALTERNATIVES:
            theirs = _find(records, case, alt)
            if theirs is None:
                continue
            desc = f"{case}: mixeq faster than {alt}"
            if ours is None:
                out.append(Target(desc, "mixeq not measured", "MISS"))
                continue
            ratio = theirs["total_s"] / ours["total_s"]
            out.append(Target(desc, f"{alt} / mixeq = {ratio:.2f}x",
                              "PASS" if ratio > 1.0 else "MISS"))
    return out


def objective_targets(records, cases, reference_objective) -> list[Target]:
    out = []
    for case in cases:
        ours = _find(records, case.name, "mixeq")
        ref, source = reference_objective(case), "lme4's reference"
        if ref is None:
            lme4 = _find(records, case.name, "lme4")
            ref, source = (lme4["objective"], "lme4's in this run") if lme4 else (None, "")
        if ref is None:
            continue
        desc = f"{case.name}: {case.objective_name} within 1e-6 of {source} (or lower)"
        if ours is None:
            out.append(Target(desc, "not measured", "n/a"))
            continue
        rel = (ours["objective"] - ref) / abs(ref)
        out.append(Target(desc, f"{ours['objective']:.6f} vs {ref:.6f} ({rel:+.1e})",
                          "PASS" if rel <= OBJECTIVE_RTOL else "MISS"))
    return out


def lme4_ratio_targets(records, cases, reference_seconds, factor: float = 10.0) -> list[Target]:
    """Issue 4's title: at least ten times faster than lme4 (this run's lme4 and,
    for the given references, the lme4 time recorded in them)."""
    out = []
    for case in cases:
        ours = _find(records, case.name, "mixeq")
        theirs = _find(records, case.name, "lme4")
        recorded = reference_seconds(case)
        for label, seconds in (("lme4 in this run", theirs and theirs["total_s"]),
                               ("lme4 time in the reference JSON", recorded)):
            if seconds is None:
                continue
            desc = f"{case.name}: >= {factor:g}x faster than {label}"
            if ours is None:
                out.append(Target(desc, "mixeq not measured", "n/a"))
                continue
            ratio = seconds / ours["total_s"]
            out.append(Target(desc, f"{seconds:.3g} s / {ours['total_s']:.3g} s = {ratio:.1f}x",
                              "PASS" if ratio >= factor else "MISS"))
    return out
