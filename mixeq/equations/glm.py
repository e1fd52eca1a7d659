"""The response of a generalized linear mixed model as the equations write it.

One table each, used by every form (McCullagh & Nelder 1989, *Generalized Linear
Models*, ch. 2 and 4; Raudenbush & Bryk 2002, *Hierarchical Linear Models*, ch. 10;
Gelman & Hill 2007, ch. 14–15):

- the distribution of y given the random effects, named by the family: Bernoulli(p_ij),
  Binomial(n_ij, p_ij) (cbind(s, f), or a proportion with the trials as prior weights),
  Poisson(λ_ij), N(μ_ij, σ²);
- the symbol of the conditional mean (p, λ, μ);
- the link g and its inverse g⁻¹ as function names (logit and logit⁻¹, Φ⁻¹ and Φ,
  cloglog, log and exp; the identity writes no function), spelled by every format from
  :data:`FUNCTIONS`.

There is no ε at level 1 of a GLMM: the level-1 randomness is the distribution itself.
An offset is a term of the linear predictor with coefficient 1 (R's ``offset()``).
"""
from __future__ import annotations

from dataclasses import dataclass

from mixeq.errors import RenderError

# family → the mean's symbol (base, kind) and the distribution's name
MEAN = {"binomial": ("p", "plain"), "poisson": ("lambda", "greek"), "gaussian": ("mu", "greek")}
DISTRIBUTION = {"binomial": "Bernoulli", "poisson": "Poisson", "gaussian": "N"}
# link → (g, g⁻¹) as function names; None: no function (the identity)
LINKS = {"logit": ("logit", "logit^-1"), "probit": ("Phi^-1", "Phi"),
         "cloglog": ("cloglog", "cloglog^-1"), "log": ("log", "exp"),
         "identity": (None, None)}
# function name → (LaTeX, Unicode text); names not here are written as they are
FUNCTIONS = {
    "logit": (r"\operatorname{logit}", "logit"),
    "logit^-1": (r"\operatorname{logit}^{-1}", "logit⁻¹"),
    "Phi^-1": (r"\Phi^{-1}", "Φ⁻¹"),
    "Phi": (r"\Phi", "Φ"),
    "cloglog": (r"\operatorname{cloglog}", "cloglog"),
    "cloglog^-1": (r"\operatorname{cloglog}^{-1}", "cloglog⁻¹"),
    "Pr": (r"\Pr", "Pr"),
    "E": (r"\operatorname{E}", "E"),
}
# link → (what η measures, the name of exp(β) or None, the words for a coefficient)
SCALE_WORDS = {  # plain ASCII words: they sit inside LaTeX \text{}
    "logit": ("the log-odds", "odds ratio",
              "the change in the log-odds of {event} for one unit more"),
    "probit": ("the probit (the z-score of p under a standard normal)", None,
               "the change in the probit of p, in standard deviations of a latent normal, "
               "for one unit more"),
    "cloglog": ("the complementary log-log, log(-log(1 - p))", "hazard ratio",
                "the change in log(-log(1 - p)) for one unit more"),
    "log": ("the log of the mean", "rate ratio",
            "the change in the log of the expected {y} for one unit more"),
    "identity": ("the mean", None, "the change in the expected {y} for one unit more"),
}


@dataclass(frozen=True)
class GLMFacts:
    """Family, link, the binomial trials, prior weights and offsets of a model.

    ``trials``: ``("cbind", successes, failures)`` or ``("weights", name, successes)`` for
    a binomial proportion (``successes``: s of the response ``s/name``, else None), None
    for 0/1 responses. ``weights``: the name of the prior
    weights of a non-binomial model. ``offsets``: the expressions added to the linear
    predictor with coefficient 1 (``offset(log(t))`` terms and ``offset=``)."""

    family: str = "gaussian"
    link: str = "identity"
    trials: tuple | None = None
    weights: str | None = None
    offsets: tuple[str, ...] = ()

    @property
    def generalized(self) -> bool:
        return not (self.family == "gaussian" and self.link == "identity")

    @property
    def has_scale(self) -> bool:
        """σ is a parameter of the Gaussian family only (binomial, Poisson: σ = 1)."""
        return self.family == "gaussian"

    @property
    def distribution(self) -> str:
        if self.family == "binomial" and self.trials is not None:
            return "Binomial"
        return DISTRIBUTION[self.family]

    @property
    def link_name(self) -> str | None:
        return LINKS[self.link][0]

    @property
    def inverse_name(self) -> str | None:
        return LINKS[self.link][1]


def glm_facts(spec, model, family=None, link=None) -> GLMFacts:
    """What the equations need of the family: from the model (its family, weights and
    offset) or, for a formula alone, the ``family=``/``link=`` options. A ``cbind()``
    response is binomial."""
    from mixeq.fitting.family import get_family
    from mixeq.spec.check import call_arguments

    cbind = call_arguments(spec.response, "cbind")
    if model is not None:
        fam = model.family
        if family is not None or link is not None:
            asked = _family(get_family, family if family is not None else fam.name, link)
            if (asked.name, asked.link.name) != (fam.name, fam.link.name):
                raise RenderError(f"family={family!r}, link={link!r}: the model's family is "
                                  f"{fam.name} with the {fam.link.name} link; drop the option "
                                  "or build the model with that family")
    else:
        fam = _family(get_family, family if family is not None else
                      ("binomial" if cbind else None), link)
    offsets = tuple(spec.offsets)
    extra = getattr(model, "offset_name", None)
    if extra:
        offsets += (extra,)
    weights = getattr(model, "weights_name", None)
    trials = None
    if fam.name == "binomial":
        if cbind:
            trials = ("cbind", cbind[0].strip(), cbind[1].strip())
        elif weights:  # a proportion s/n with the trials n as weights: written s ~ Binomial(n, p)
            trials, weights = ("weights", weights, successes_of(spec.response, weights)), None
    return GLMFacts(fam.name, fam.link.name, trials, weights, offsets)


def _family(get_family, family, link):
    from mixeq.errors import MixeqError

    try:
        return get_family(family, link)
    except MixeqError as exc:
        raise RenderError(str(exc)) from None


def successes_of(response: str, weights: str) -> str | None:
    """``incidence`` of the response ``incidence/size`` when the weights are ``size``: the
    proportion times its trials is the count of successes."""
    import re

    found = re.fullmatch(r"\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*/\s*" + re.escape(weights) + r"\s*",
                         response)
    return found.group(1) if found else None


def trials_total(facts: GLMFacts) -> str | None:
    """The column that is the number of trials of ``cbind(s, n - s)`` (``n``), when the
    failures are written that way; None when the trials are s + f of two columns."""
    if not facts.trials or facts.trials[0] != "cbind":
        return None
    import re

    s, f = facts.trials[1], facts.trials[2]
    found = re.fullmatch(r"\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*-\s*" + re.escape(s) + r"\s*", f)
    return found.group(1) if found else None
