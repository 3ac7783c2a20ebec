"""The countries and regions overseas disputes and watches name (ISO 3166-1
alpha-2, plus EU and the patent offices' regional codes users meet in priority
claims: EP, WO). A short list of where Hubei's exporters meet disputes; a code
outside it is refused with the list in the message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COUNTRIES: dict[str, object] = {
    "US": _("美国"),
    "EU": _("欧盟"),
    "EP": _("欧洲专利局"),
    "DE": _("德国"),
    "FR": _("法国"),
    "GB": _("英国"),
    "IT": _("意大利"),
    "JP": _("日本"),
    "KR": _("韩国"),
    "IN": _("印度"),
    "VN": _("越南"),
    "TH": _("泰国"),
    "ID": _("印度尼西亚"),
    "MY": _("马来西亚"),
    "SG": _("新加坡"),
    "RU": _("俄罗斯"),
    "BR": _("巴西"),
    "MX": _("墨西哥"),
    "CA": _("加拿大"),
    "AU": _("澳大利亚"),
    "AE": _("阿联酋"),
    "SA": _("沙特阿拉伯"),
    "TR": _("土耳其"),
    "ZA": _("南非"),
    "WO": _("PCT 国际申请"),
}


def country_name(code: str) -> str:
    """The country's name in the reader's language (the code itself if unknown)."""
    return str(COUNTRIES.get(code, code))


def country_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in COUNTRIES.items()]


LANGUAGES: dict[str, object] = {
    "en": _("英语"),
    "de": _("德语"),
    "fr": _("法语"),
    "ja": _("日语"),
    "ko": _("韩语"),
    "ru": _("俄语"),
    "es": _("西班牙语"),
    "pt": _("葡萄牙语"),
    "vi": _("越南语"),
    "ar": _("阿拉伯语"),
}


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in LANGUAGES.items()]
