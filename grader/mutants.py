"""The mutant catalogue: plausible wrong implementations that must lose points.

``solutions/mutants/<topic>.toml`` lists mutants of ``solutions/<topic>.py``;
each is the reference module with one mistake, written as edits (``find``
must occur exactly once in the reference, and is replaced by ``replace``):

    [[mutant]]
    name = "sigma_from_gram"
    mistake = "σ₂ as √λ₂ of AᵀA: no accuracy left near rank 1"
    mistake_id = "svd_basics.gram_precision"   # the id its feedback must carry
    [[mutant.edit]]
    find = "..."
    replace = "..."

``mistake_id`` is the recognised mistake (``mistake.<id>`` in the feedback
catalog) that the first failure of the mutant must name; a mutant the suite
can only locate, not name, says why in ``unnamed = "…"`` instead.

Keeping the edit instead of a copy shows the mistake at a glance and keeps
every mutant in step with the reference as it changes.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path


class MutantError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Mutant:
    topic: str
    name: str
    mistake: str
    edits: tuple[tuple[str, str], ...]
    mistake_id: str | None = None
    unnamed: str | None = None

    def source(self, reference: str) -> str:
        """The reference module's text with this mutant's mistake in it."""
        for find, replace in self.edits:
            count = reference.count(find)
            if count != 1:
                raise MutantError(
                    f"mutant {self.topic}/{self.name}: its edit's 'find' text occurs {count} times "
                    f"in the reference (it must occur exactly once):\n{find}"
                )
            reference = reference.replace(find, replace)
        return reference


def load(directory: Path, topic: str) -> list[Mutant]:
    path = Path(directory) / f"{topic}.toml"
    if not path.exists():
        return []
    with open(path, "rb") as f:
        data = tomllib.load(f)
    mutants = []
    for raw in data.get("mutant", []):
        try:
            edits = tuple((e["find"], e["replace"]) for e in raw["edit"])
            mutants.append(Mutant(topic, raw["name"], raw["mistake"], edits, raw.get("mistake_id"), raw.get("unnamed")))
        except KeyError as exc:
            raise MutantError(f"{path}: a mutant lacks {exc}") from None
    names = [m.name for m in mutants]
    if len(set(names)) != len(names):
        raise MutantError(f"{path}: mutant names must be unique")
    return mutants
