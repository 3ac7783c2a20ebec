"""A set of record ids kept as ranges of consecutive ids (issue 24).

An import of a million new records writes a million consecutive ids. As a Python
list they take ~36 MB (8-byte pointers and 28-byte ints), and every receiver that
sorts, dedupes or JSON-encodes them makes another copy or three; kept as runs
of consecutive ids they are one ``(first, last)`` pair. ``IdRanges`` is that: the
sorted, distinct ids of any iterable as runs, iterable and countable like the
ids themselves, handed out a chunk at a time (``chunks``) or as a query filter
(``q``) so that nobody has to hold them all as Python ints.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

# Runs at least this long are a ``[first, last]`` pair in ``to_json``; shorter ones
# stay single ids (a few scattered ids read as the plain list they were before).
JSON_RUN_MIN = 16


class IdRanges:
    """The sorted, distinct ids of an iterable, as runs of consecutive ids."""

    __slots__ = ("_count", "_firsts", "_lasts")

    def __init__(self, ids: Iterable[int] = ()) -> None:
        import numpy as np

        from iphub.core.arrays import distinct

        # Sorted and deduped in numpy, without a Python int per id (an import's
        # packed array of ids is read in place). ``distinct``, not np.unique:
        # numpy 2.5's np.unique took 578 ms on a million ids, distinct 12 ms.
        if isinstance(ids, array) and ids.typecode == "q":
            values = distinct(np.frombuffer(ids, dtype=np.int64))
        else:
            values = distinct(np.fromiter((int(i) for i in ids), dtype=np.int64))
        self._firsts, self._lasts, self._count = array("q"), array("q"), len(values)
        if self._count:
            breaks = np.flatnonzero(np.diff(values) != 1) + 1
            self._firsts.frombytes(values[np.concatenate(([0], breaks))].tobytes())
            self._lasts.frombytes(values[np.concatenate((breaks - 1, [len(values) - 1]))].tobytes())

    @classmethod
    def of(cls, ids: Iterable[int]) -> IdRanges:
        """``ids`` as ``IdRanges`` (itself when it already is one)."""
        return ids if isinstance(ids, IdRanges) else cls(ids)

    @classmethod
    def from_json(cls, data: Iterable[Any]) -> IdRanges:
        """The inverse of ``to_json``; a plain list of ids is read as it is."""
        runs: list[tuple[int, int]] = []
        singles: list[int] = []
        for item in data:
            if isinstance(item, list):
                runs.append((int(item[0]), int(item[1])))
            else:
                singles.append(int(item))
        out = cls(singles)
        if runs:
            out = out.union(cls._from_runs(runs))
        return out

    @classmethod
    def _from_runs(cls, runs: Iterable[tuple[int, int]]) -> IdRanges:
        out = cls()
        for first, last in sorted(runs):
            if out._lasts and first <= out._lasts[-1] + 1:
                if last > out._lasts[-1]:
                    out._count += last - out._lasts[-1]
                    out._lasts[-1] = last
                continue
            out._firsts.append(first)
            out._lasts.append(last)
            out._count += last - first + 1
        return out

    def union(self, other: IdRanges) -> IdRanges:
        return IdRanges._from_runs([*self.ranges(), *other.ranges()])

    def ranges(self) -> list[tuple[int, int]]:
        """The runs, ``(first, last)`` inclusive, ascending."""
        return list(zip(self._firsts, self._lasts, strict=True))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[int]:
        for first, last in zip(self._firsts, self._lasts, strict=True):
            yield from range(first, last + 1)

    def __contains__(self, pid: object) -> bool:
        if not isinstance(pid, int):
            return False
        i = bisect.bisect_right(self._firsts, pid) - 1
        return i >= 0 and pid <= self._lasts[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdRanges):
            return self.ranges() == other.ranges()
        return NotImplemented

    def __repr__(self) -> str:
        return f"IdRanges({self._count} ids in {len(self._firsts)} runs)"

    def chunks(self, size: int) -> Iterator[IdRanges]:
        """Consecutive pieces of at most ``size`` ids each, ascending."""
        piece: list[tuple[int, int]] = []
        room = size
        for first, last in zip(self._firsts, self._lasts, strict=True):
            while first <= last:
                take = min(room, last - first + 1)
                piece.append((first, first + take - 1))
                first += take
                room -= take
                if room == 0:
                    yield IdRanges._from_runs(piece)
                    piece, room = [], size
        if piece:
            yield IdRanges._from_runs(piece)

    def q(self, field: str = "pk") -> Q:
        """A filter matching these ids: one ``BETWEEN`` per run of more than one id,
        one ``IN`` for the single ids (keep the pieces small: ``chunks``)."""
        runs = self.ranges()
        singles = [first for first, last in runs if first == last]
        out = Q(**{f"{field}__in": singles})  # matches nothing when empty
        for first, last in runs:
            if first != last:
                out |= Q(**{f"{field}__range": (first, last)})
        return out

    def to_json(self) -> list[Any]:
        """A JSON list: a run of ``JSON_RUN_MIN`` ids or more as ``[first, last]``,
        the others as single ids; a million new records are ``[[first, last]]``."""
        out: list[Any] = []
        for first, last in zip(self._firsts, self._lasts, strict=True):
            if last - first + 1 >= JSON_RUN_MIN:
                out.append([first, last])
            else:
                out.extend(range(first, last + 1))
        return out
