"""A reduction is a value: its name, its direction, its NaN policy and what it returns.

Every layer takes one of these instead of an ``(op, is_max)`` pair: the api parses arguments for it,
the engine hands its ``rule`` to the core (where it picks how elements become keys: cpp/argreduce/
rule.hpp and keys.hpp), the partial, the command line and Dask pass it through. The model is
PyTorch's SharedReduceOps.h, where ArgMinOps and MinOps differ only in what they project.

To add a reduction: a constant below (reusing a core rule, or with a new X(...) line in rule.hpp),
then its public function in api.py. See ARCHITECTURE.md, "How to add a reduction".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import _core

#: The core's rules, in the order reduce() numbers them (cpp/argreduce/rule.hpp).
_RULES: tuple[str, ...] = tuple(_core.rules())


@dataclass(frozen=True)
class Reduction:
    """One arg-reduction of the family.

    ``name`` is how messages name it (torch's and NumPy's words: "argmin", "nanargmax", "min");
    ``largest`` picks the maximum; ``skip_nan`` makes NaN take no part (NumPy's nanargmin) instead
    of winning (torch's argmin); ``values`` returns the winning elements with their indices
    (torch.min(x, dim)).
    """

    name: str
    largest: bool
    skip_nan: bool = False
    values: bool = False
    #: The core's number for how this reduction ranks elements (derived; read on every call).
    rule: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        core_name = ("nan" if self.skip_nan else "") + ("max" if self.largest else "min")
        object.__setattr__(self, "rule", _RULES.index(core_name))


ARGMIN = Reduction("argmin", largest=False)
ARGMAX = Reduction("argmax", largest=True)
NANARGMIN = Reduction("nanargmin", largest=False, skip_nan=True)
NANARGMAX = Reduction("nanargmax", largest=True, skip_nan=True)
MIN = Reduction("min", largest=False, values=True)
MAX = Reduction("max", largest=True, values=True)
