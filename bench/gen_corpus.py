"""Generate a synthetic patent corpus (JSON Lines) for benchmarks.

    python bench/gen_corpus.py N [--out FILE.jsonl] [--seed 42] [--text sentences|markov]

Every field is drawn from the real records in /work/shared/data: titles from
patent_titles_4800.csv and ccf2022, abstracts/claims/descriptions recombined
from real ccf2022 abstract sentences (split on 。；), applicants/inventors and
application years from the csv, IPC main groups from the xlsx/SQL samples plus
other codes of the IPC 2026.01 scheme weighted toward the sections those show.
Application numbers are synthetic but carry a valid check character. Output is
streamed, so memory stays flat for 1M documents. Benchmark use only.

``--text markov`` draws abstracts and claims from an order-2 character Markov
chain trained on the ccf2022 abstracts instead (descriptions stay recombined
sentences). Recombined whole sentences make every pair of records drawn from the
same sentences a genuine partial copy of each other, which is what a screening
benchmark must not have as background: Markov text keeps the vocabulary and the
phrasing of patent abstracts (runs of a few characters) while two records share
no sentence by chance. The default (``sentences``) is unchanged.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DATA = Path("/work/shared/data")
AN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
TYPE_DIGIT = {
    "invention": "1",
    "utility": "2",
    "design": "3",
    "pct_invention": "8",
    "pct_utility": "9",
}
TYPE_MIX = [("invention", 0.52), ("utility", 0.36), ("design", 0.09), ("pct_invention", 0.02),
            ("pct_utility", 0.01)]  # fmt: skip
# Hubei prefecture-level units (DOMAIN.md); weights put Wuhan well ahead.
HUBEI_CITIES = [("420100", 55), ("420500", 6), ("420600", 6), ("420200", 3), ("420300", 4),
                ("420700", 2), ("420800", 3), ("420900", 3), ("421000", 4), ("421100", 3),
                ("421200", 2), ("421300", 2), ("422800", 1), ("429004", 2), ("429005", 1),
                ("429006", 1), ("429021", 1)]  # fmt: skip
WUHAN_DISTRICTS = ["420102", "420103", "420104", "420105", "420106", "420107", "420111",
                   "420112", "420113", "420114", "420115", "420116", "420117"]  # fmt: skip
OTHER_CITIES = [("110000", "110100", 20), ("310000", "310100", 14), ("440000", "440300", 14),
                ("440000", "440100", 8), ("320000", "320100", 8), ("330000", "330100", 9),
                ("510000", "510100", 6), ("610000", "610100", 5), ("410000", "410100", 5),
                ("430000", "430100", 5), ("370000", "370200", 6)]  # fmt: skip
HUBEI_SHARE = 0.65
HUBEI_WORDS = ("武汉", "湖北", "华中", "长江", "宜昌", "襄阳", "荆州", "黄石", "十堰", "东风")
STATUS_BY_TYPE = {
    "invention": [("审中-实质审查", 30), ("有权-审定授权", 40), ("失效-视为撤回", 12),
                  ("失效-驳回", 8), ("失效-未缴年费", 10)],
    "utility": [("有权-审定授权", 70), ("失效-未缴年费", 25), ("失效-期限届满", 5)],
    "design": [("有权-审定授权", 70), ("失效-未缴年费", 30)],
}  # fmt: skip


def an_check(digits: str) -> str:
    """DOMAIN.md check character for a 12-digit application number."""
    r = sum(int(d) * w for d, w in zip(digits, AN_WEIGHTS, strict=True)) % 11
    return "X" if r == 10 else str(r)


class Weighted:
    """O(log n) weighted sampling from a fixed population."""

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items, self.cum, acc = items, [], 0.0
        for w in weights:
            acc += w
            self.cum.append(acc)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def _sql_ipc_codes() -> list[str]:
    text = (DATA / "patent_export_62col_sample.sql").read_text(encoding="utf-8")
    codes = []
    for line in text.splitlines():
        if line.startswith("INSERT"):
            vals = re.findall(r"'((?:[^'\\]|\\.)*)'|(NULL)|(-?\d+)", line[line.index("(") + 1 :])
            row = [a or (None if b else c) for a, b, c in vals]
            codes += [c for c in (row[17] or "").split(";") if c]
    return codes


def _xlsx_ipc_codes() -> list[str]:
    import openpyxl

    ws = openpyxl.load_workbook(DATA / "patent_30_with_claims.xlsx", read_only=True).active
    return [str(r[2]).strip() for r in ws.iter_rows(min_row=2, values_only=True) if r[2]]


class Sources:
    """The real records' pools, loaded once."""

    def __init__(self) -> None:
        ccf = [json.loads(x) for x in (DATA / "ccf2022_patents.jsonl").open(encoding="utf-8")]
        self.sentences = [
            s.strip() for r in ccf for s in re.split(r"[。；]", r["abstract"]) if len(s.strip()) > 8
        ]
        with (DATA / "patent_titles_4800.csv").open(encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["database"] == "中国专利"]
        self.titles = [r["title"] for r in rows] + [r["title"] for r in ccf]
        self.applicants = [a.strip() for r in rows for a in r["applicants"].split(";") if a.strip()]
        self.applicants += [r["assignee"] for r in ccf if r.get("assignee")]
        self.hubei_applicants = [a for a in self.applicants if any(w in a for w in HUBEI_WORDS)]
        self.inventors = [i.strip() for r in rows for i in r["inventors"].split(";;") if i.strip()]
        self.years = [int(r["application_date"][:4]) for r in rows if r["application_date"][:4]]
        real = _xlsx_ipc_codes() + _sql_ipc_codes()
        self.real_ipc = real
        sections = Counter(c[0] for c in real)
        by_section: dict[str, list[str]] = {}
        for line in (DATA / "ipc_2026_01_zh.tsv").open(encoding="utf-8"):
            code, level, _ = line.rstrip("\n").split("\t", 2)
            if level in ("main_group", "subgroup"):
                by_section.setdefault(code[0], []).append(code)
        # Every section keeps a floor weight so all of IPC appears, but the
        # sections seen in the real records dominate.
        self.section = Weighted(sorted(by_section), [sections[s] + 1 for s in sorted(by_section)])
        self.ipc_by_section = by_section


def _pick_ipc(src: Sources, rng: random.Random) -> list[str]:
    if rng.random() < 0.3:
        main = rng.choice(src.real_ipc)
    else:
        main = rng.choice(src.ipc_by_section[src.section.pick(rng)])
    codes = [main]
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        same = rng.random() < 0.6
        pool = src.ipc_by_section[main[0] if same else src.section.pick(rng)]
        code = rng.choice(pool)
        if code not in codes:
            codes.append(code)
    return codes


def _sentences(src: Sources, rng: random.Random, lo: int, hi: int) -> str:
    return "。".join(rng.choice(src.sentences) for _ in range(rng.randint(lo, hi))) + "。"


MARKOV_ORDER = 2
MARKOV_MAX_SENTENCE = 80


class Markov:
    """An order-2 character chain over the ccf2022 abstracts (``--text markov``).

    Each state (two characters) maps to the string of every character that
    follows it in the abstracts, so ``rng.choice`` draws the next character
    with its observed frequency; a sentence starts from a real sentence's first
    two characters and ends at 。 or ；, or is closed at 80 characters.
    """

    def __init__(self, src: Sources) -> None:
        ccf = [json.loads(x) for x in (DATA / "ccf2022_patents.jsonl").open(encoding="utf-8")]
        follow: dict[str, list[str]] = {}
        starts = []
        k = MARKOV_ORDER
        for r in ccf:
            text = r["abstract"]
            for i in range(len(text) - k):
                follow.setdefault(text[i : i + k], []).append(text[i + k])
            starts += [s[:k] for s in re.split(r"(?<=[。；])", text) if len(s) > k + 5]
        self.follow = {state: "".join(chars) for state, chars in follow.items()}
        self.starts = starts

    def sentence(self, rng: random.Random) -> str:
        out = rng.choice(self.starts)
        while len(out) < MARKOV_MAX_SENTENCE:
            c = rng.choice(self.follow.get(out[-MARKOV_ORDER:], "。"))
            out += c
            if c in "。；":
                return out
        return out + "。"

    def text(self, rng: random.Random, lo: int, hi: int) -> str:
        return "".join(self.sentence(rng) for _ in range(rng.randint(lo, hi)))


def _region(src: Sources, rng: random.Random, hubei_city: Weighted) -> tuple[list[str], str, bool]:
    if rng.random() < HUBEI_SHARE:
        city = hubei_city.pick(rng)
        codes = ["420000", city]
        if city == "420100":
            codes.append(rng.choice(WUHAN_DISTRICTS))
        return codes, city, True
    prov, city, _ = rng.choices(OTHER_CITIES, weights=[w for *_, w in OTHER_CITIES])[0]
    return [prov, city], city, False


def generate(n: int, seed: int = 42, *, text: str = "sentences") -> Iterator[dict[str, Any]]:
    """Yield ``n`` synthetic documents in the PatentIndex dict schema (ISO dates).

    ``text``: "sentences" (abstracts and claims recombined from real sentences)
    or "markov" (drawn from a character chain; see the module docstring).
    """
    rng = random.Random(seed)
    src = Sources()
    chain = Markov(src) if text == "markov" else None
    types = Weighted([t for t, _ in TYPE_MIX], [w for _, w in TYPE_MIX])
    hubei_city = Weighted([c for c, _ in HUBEI_CITIES], [w for _, w in HUBEI_CITIES])
    statuses = {
        k: Weighted([s for s, _ in v], [w for _, w in v]) for k, v in STATUS_BY_TYPE.items()
    }
    today = date(2026, 1, 1)
    for i in range(1, n + 1):
        ptype = types.pick(rng)
        base = ptype.removeprefix("pct_")
        year = rng.choice(src.years)
        app = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        digits = f"{year}{TYPE_DIGIT[ptype]}{i % 10_000_000:07d}"
        an = f"{digits}.{an_check(digits)}"
        pub = app + timedelta(days=rng.randint(120, 540))
        grant: date | None = None
        status = statuses[base].pick(rng)
        kind = {"invention": "A", "utility": "U", "design": "S"}[base]
        serial = f"{i % 100_000_000:08d}"
        pns = [
            f"CN{'1' if base == 'invention' else '2' if base == 'utility' else '3'}{serial}{kind}"
        ]
        if status.startswith("有权"):
            grant = pub if base != "invention" else app + timedelta(days=rng.randint(600, 1300))
            if base == "invention":
                pns.append(pns[0][:-1] + "B")
        region_codes, city, hubei = _region(src, rng, hubei_city)
        pool = (
            src.hubei_applicants
            if hubei and src.hubei_applicants and rng.random() < 0.5
            else src.applicants
        )
        applicants = [rng.choice(pool)] + (
            [rng.choice(src.applicants)] if rng.random() < 0.15 else []
        )
        design = base == "design"
        title = rng.choice(src.titles)  # drawn first, as before --text existed
        if chain is not None:
            abstract = chain.text(rng, 1, 2) if design else chain.text(rng, 3, 5)
            claims = "" if design else "1. " + chain.text(rng, 2, 5)
        else:
            abstract = _sentences(src, rng, 1, 2) if design else _sentences(src, rng, 3, 5)
            claims = "" if design else "1. " + _sentences(src, rng, 2, 5)
        yield {
            "id": i,
            "an": an,
            "pn": pns,
            "title": title,
            "abstract": abstract,
            "claims": claims,
            "description": "" if design else _sentences(src, rng, 6, 12),
            "applicants": applicants,
            "inventors": rng.sample(src.inventors, rng.randint(1, 4)),
            "ipc": _pick_ipc(src, rng),
            "app_date": app.isoformat(),
            "pub_date": pub.isoformat() if pub <= today else None,
            "grant_date": grant.isoformat() if grant and grant <= today else None,
            "region_codes": region_codes,
            "city": city,
            "type": ptype,
            "status": status,
        }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("n", type=int)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--text", choices=("sentences", "markov"), default="sentences")
    args = ap.parse_args(argv)
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        for doc in generate(args.n, args.seed, text=args.text):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()


if __name__ == "__main__":
    main()
