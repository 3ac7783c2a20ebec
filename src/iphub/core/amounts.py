"""The one parser of amounts and figures typed by users or read from imports.

Every number a form, an API payload or an imported sheet carries into a
``DecimalField`` (yuan, 万元, counts, targets) goes through :func:`parse_number`
with the :class:`NumberRange` of its field. Python's ``Decimal`` happily reads
``NaN``, ``Infinity`` and ``-1e999999``; stored, such a value answered 500 on
every page that read it back and made ``dumpdata`` abort (issue 18, finding 3).
Here it is refused with a Chinese message that names the field and its range.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from iphub.core.errors import ApplicationError

INVALID_NUMBER = "invalid_number"
# Longer than any amount anyone types (15 digits, separators, two decimals).
_MAX_TEXT = 40
# Thousands separators people type or paste: comma, full-width comma, spaces.
_SEPARATORS = str.maketrans("", "", ",，  _")


@dataclass(frozen=True)
class NumberRange:
    """What one field accepts: its name in messages, unit, bounds and decimals.

    ``maximum`` must fit the model field (``max_digits``/``decimal_places``).
    ``positive`` means strictly greater than ``minimum`` (an amount of 0 yuan
    is no pledge).
    """

    label: str
    unit: str = "元"
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal("999999999999.99")
    places: int = 2
    positive: bool = False

    def describe(self) -> str:
        """The allowed range in words: ``0 到 999,999,999,999.99 元``."""
        lo, hi = _plain(self.minimum, self.places), _plain(self.maximum, self.places)
        unit = f" {_(self.unit)}" if self.unit else ""
        if self.positive:
            text = _("大于 %(lo)s 且不超过 %(hi)s%(unit)s") % {"lo": lo, "hi": hi, "unit": unit}
        else:
            text = _("%(lo)s 到 %(hi)s%(unit)s") % {"lo": lo, "hi": hi, "unit": unit}
        if self.places == 0:
            return text + _("的整数")
        return text + _("，") + _places(self.places)


def _places(places: int) -> str:
    """``最多保留两位小数`` in the reader's language."""
    if places == 2:
        return _("最多保留两位小数")
    if places == 1:
        return _("最多保留一位小数")
    return _("最多保留 %(places)d 位小数") % {"places": places}


def _plain(value: Decimal, places: int) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.{places}f}"


def number_error(spec: NumberRange, field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=INVALID_NUMBER, fields={field: message})


def parse_number(
    raw: Any, spec: NumberRange, *, field: str, required: bool = False
) -> Decimal | None:
    """``raw`` as a Decimal inside ``spec``'s range, rounded to its places, or
    ``None`` when left empty and not ``required``; else :class:`ApplicationError`
    on ``field`` saying what the field accepts.

    Accepts what people type and sheets hold: ``1,234.50``, full-width digits,
    ints, floats, Decimals. Refuses NaN, infinities, exponents beyond the range,
    booleans, and more decimals than the field keeps (a third decimal of yuan is
    a typing slip, not something to round away silently).
    """
    label, allowed = _(spec.label), spec.describe()
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise number_error(
                spec,
                field,
                _("请填写%(label)s（%(allowed)s）。") % {"label": label, "allowed": allowed},
            )
        return None
    shown = str(raw)[:_MAX_TEXT]
    not_a_number = _("%(label)s应为数字（%(allowed)s），“%(shown)s”不是有效的数字。") % {
        "label": label,
        "allowed": allowed,
        "shown": shown,
    }
    if isinstance(raw, bool):
        raise number_error(spec, field, not_a_number)
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().translate(_SEPARATORS)
        if len(text) > _MAX_TEXT:
            raise number_error(spec, field, not_a_number)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise number_error(spec, field, not_a_number) from None
    if not value.is_finite():
        raise number_error(spec, field, not_a_number)
    too_low = value <= spec.minimum if spec.positive else value < spec.minimum
    if too_low or value > spec.maximum:
        raise number_error(
            spec,
            field,
            _("%(label)s应为 %(allowed)s；您填写的是“%(shown)s”。")
            % {"label": label, "allowed": allowed, "shown": shown},
        )
    step = Decimal(1).scaleb(-spec.places)
    if value != value.quantize(step):
        if spec.places == 0:
            message = _("%(label)s应为整数（%(allowed)s）。") % {"label": label, "allowed": allowed}
        else:
            message = _("%(label)s%(places)s，您填写的是“%(shown)s”。") % {
                "label": label,
                "places": _places(spec.places),
                "shown": shown,
            }
        raise number_error(spec, field, message)
    return value.quantize(step)


def parse_required(raw: Any, spec: NumberRange, *, field: str) -> Decimal:
    """:func:`parse_number` for a field that must be filled in."""
    value = parse_number(raw, spec, field=field, required=True)
    assert value is not None  # required: empty raised
    return value


def parse_count(raw: Any, spec: NumberRange, *, field: str, required: bool = False) -> int | None:
    """A whole number inside ``spec`` (``places`` 0), as an int."""
    value = parse_number(raw, spec, field=field, required=required)
    return None if value is None else int(value)


# Ranges shared by several apps; an app declares its own beside its fields.
# Yuan amounts in DecimalField(max_digits=14, decimal_places=2).
YUAN_14 = Decimal("999999999999.99")
# Yuan amounts in DecimalField(max_digits=16, decimal_places=2).
YUAN_16 = Decimal("99999999999999.99")
