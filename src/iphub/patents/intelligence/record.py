"""What the record page shows of a patent's intelligence: its value grade with
the reasons, its citations both ways and its simple family (issue 20)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iphub.patents.intelligence.citations import patent_citations
from iphub.patents.intelligence.grading import grade_settings
from iphub.patents.models import GradeWeight, GradeWeightKind, Patent, PatentGrade


@dataclass(frozen=True)
class FactorLine:
    key: str
    label: str
    points: float
    full: int
    detail: str

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.full) if self.full else 0


@dataclass(frozen=True)
class GradeExplanation:
    """A stored grade in words: the factors used with their points, the ones left out."""

    score: int
    band: str
    used: list[FactorLine]
    unused: list[str]
    bands: list[tuple[str, int]]
    method_version: str
    computed_at: Any

    @property
    def earned(self) -> float:
        return round(sum(f.points for f in self.used), 1)

    @property
    def full(self) -> int:
        return sum(f.full for f in self.used)

    @property
    def strongest(self) -> list[FactorLine]:
        """Factors at three quarters of their points or more, best first."""
        return sorted((f for f in self.used if f.percent >= 75), key=lambda f: -f.points)

    @property
    def weakest(self) -> list[FactorLine]:
        """Factors at a quarter of their points or less, most points missed first."""
        return sorted((f for f in self.used if f.percent <= 25), key=lambda f: f.points - f.full)


def grade_explain(grade: PatentGrade) -> GradeExplanation:
    """Turn a stored grade into the lines of "为什么是 B"."""
    labels = {
        key: label
        for key, label in GradeWeight.objects.filter(kind=GradeWeightKind.FACTOR).values_list(
            "key", "label"
        )
    }
    from iphub.patents.intelligence.grade import DEFAULT_FACTORS

    order = [k for k, *_rest in DEFAULT_FACTORS]
    order += [k for k in labels if k not in order]
    defaults = {k: label for k, label, *_rest in DEFAULT_FACTORS}
    used = [
        FactorLine(
            key=k,
            label=labels.get(k) or defaults.get(k, k),
            points=float(grade.factors[k][0]),
            full=int(grade.factors[k][1]),
            detail=str(grade.factors[k][2]),
        )
        for k in order
        if k in grade.factors
    ]
    unused = [labels.get(k) or defaults.get(k, k) for k in order if k not in grade.factors]
    _weights, bands = grade_settings()
    return GradeExplanation(
        score=grade.score,
        band=grade.band,
        used=used,
        unused=unused,
        bands=sorted(bands, key=lambda b: -b[1]),
        method_version=grade.method_version,
        computed_at=grade.computed_at,
    )


def record_context(patent: Patent) -> dict[str, Any]:
    """Context of the record page's grade and citation partials."""
    grade = PatentGrade.objects.filter(patent=patent).first()
    return {
        "grade": grade_explain(grade) if grade else None,
        "citations": patent_citations(patent),
    }
