"""Message delay distributions written as text, as the PBS paper describes its WARS delays.

A delay is ``exp:MEAN_MS``, ``pareto:XM_MS:ALPHA``, ``uniform:LOW_MS:HIGH_MS`` or a weighted
mixture such as ``0.38*pareto:1.05:1.51+0.62*exp:5.46`` (the weights must add up to 1). Times are
written in milliseconds and sampled in seconds, from a ``random.Random`` the caller owns.
"""

from __future__ import annotations

import math
import random

from simulator.frozen import frozen

MS = 0.001


class DelayError(ValueError):
    """A delay text that does not describe a distribution (the message says what is wrong)."""


@frozen
class Exponential:
    """Exponential delays with mean ``mean_ms``."""

    mean_ms: float

    def sample(self, rng: random.Random) -> float:
        """One delay in seconds."""
        return rng.expovariate(1.0 / self.mean_ms) * MS

    @property
    def mean(self) -> float:
        """The mean in milliseconds."""
        return self.mean_ms


@frozen
class Pareto:
    """Pareto delays: scale (the smallest delay) ``xm_ms`` and shape ``alpha``."""

    xm_ms: float
    alpha: float

    def sample(self, rng: random.Random) -> float:
        """One delay in seconds."""
        return self.xm_ms * rng.paretovariate(self.alpha) * MS

    @property
    def mean(self) -> float:
        """The mean in milliseconds (infinite for alpha <= 1)."""
        return math.inf if self.alpha <= 1 else self.alpha * self.xm_ms / (self.alpha - 1)


@frozen
class Uniform:
    """Delays uniform between ``low_ms`` and ``high_ms``."""

    low_ms: float
    high_ms: float

    def sample(self, rng: random.Random) -> float:
        """One delay in seconds."""
        return rng.uniform(self.low_ms, self.high_ms) * MS

    @property
    def mean(self) -> float:
        """The mean in milliseconds."""
        return (self.low_ms + self.high_ms) / 2


Component = Exponential | Pareto | Uniform


@frozen
class Mixture:
    """A weighted mixture: each delay comes from component i with probability weight i."""

    weights: tuple[float, ...]
    components: tuple[Component, ...]
    text: str

    def sample(self, rng: random.Random) -> float:
        """One delay in seconds: pick a component by weight, then sample it."""
        if len(self.components) == 1:
            return self.components[0].sample(rng)
        pick = rng.random()
        for weight, component in zip(self.weights, self.components, strict=True):
            if pick < weight:
                return component.sample(rng)
            pick -= weight
        return self.components[-1].sample(rng)

    @property
    def mean(self) -> float:
        """The mean in milliseconds."""
        return sum(w * c.mean for w, c in zip(self.weights, self.components, strict=True))


def _number(text: str, what: str, whole: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DelayError(f"{whole!r}: {what} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise DelayError(f"{whole!r}: {what} must be a finite number, got {text!r}")
    return value


def _component(text: str, whole: str) -> Component:
    name, _, rest = text.strip().partition(":")
    parts = rest.split(":") if rest else []
    if name == "exp" and len(parts) == 1:
        mean = _number(parts[0], "the mean", whole)
        if mean <= 0:
            raise DelayError(f"{whole!r}: the mean of exp must be above 0 ms, got {mean:g}")
        return Exponential(mean)
    if name == "pareto" and len(parts) == 2:
        xm = _number(parts[0], "the scale", whole)
        alpha = _number(parts[1], "the shape", whole)
        if xm <= 0 or alpha <= 0:
            raise DelayError(f"{whole!r}: pareto needs a scale above 0 ms and a shape above 0")
        return Pareto(xm, alpha)
    if name == "uniform" and len(parts) == 2:
        low = _number(parts[0], "the low end", whole)
        high = _number(parts[1], "the high end", whole)
        if not 0 <= low <= high:
            raise DelayError(f"{whole!r}: uniform needs 0 <= LOW <= HIGH ms")
        return Uniform(low, high)
    raise DelayError(f"{whole!r}: expected exp:MEAN_MS, pareto:XM_MS:ALPHA, "
                     f"uniform:LOW_MS:HIGH_MS or a mixture such as 0.4*exp:1+0.6*exp:5")


def parse_delay(text: str) -> Mixture:
    """The distribution a delay text describes; DelayError says what is wrong with it."""
    whole = text.strip()
    if not whole:
        raise DelayError("a delay is needed, e.g. exp:1")
    weights: list[float] = []
    components: list[Component] = []
    for term in whole.split("+"):
        weight_text, star, body = term.partition("*")
        if star:
            weight = _number(weight_text, "a weight", whole)
            if not 0 < weight <= 1:
                raise DelayError(f"{whole!r}: weights must be above 0 and at most 1")
        else:
            weight, body = 1.0, term
        weights.append(weight)
        components.append(_component(body, whole))
    if len(components) > 1 and abs(sum(weights) - 1.0) > 1e-9:
        raise DelayError(f"{whole!r}: the weights add up to {sum(weights):g}, not 1")
    if len(components) == 1 and abs(weights[0] - 1.0) > 1e-9:
        raise DelayError(f"{whole!r}: a single distribution takes no weight (or weight 1)")
    return Mixture(tuple(weights), tuple(components), whole)
