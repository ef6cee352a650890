"""The languages the services answer in: English and Simplified Chinese (zh-CN).

Code writes a message once, in English, with named placeholders:

    raise Conflict(t("The item is already {status}.", status=item.status))

`t()` returns a `Message`: a `str` that reads as the English text everywhere (logs, tests,
`str()`), and remembers its template and values so a response can render it in the caller's
language. The translations are gettext catalogs (`locale/zh_CN/LC_MESSAGES/messages.po`),
one in this package and one in each service package, read with Babel; `make messages`
extracts new templates into them, and `tests/contracts/test_messages.py` fails on a message
without its Chinese translation.
"""

from __future__ import annotations

import io
import string
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

ENGLISH = "en"
CHINESE = "zh-CN"
LANGUAGES = (ENGLISH, CHINESE)
CATALOG_DOMAIN = "messages"
_CATALOG_LOCALE = {CHINESE: "zh_CN"}

# Packages whose catalogs are loaded; `use_catalog()` adds a service's own.
_catalog_packages: list[str] = ["callcenter_shared"]


class Message(str):
    """A message in English, able to render itself in another language."""

    msgid: str
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, params: Mapping[str, Any] | None = None) -> Message:
        values = dict(params or {})
        english = msgid.format_map(values) if values else msgid
        message = super().__new__(cls, english)
        message.msgid = msgid
        message.params = values
        return message

    def render(self, language: str) -> str:
        """This message in `language` (one of `LANGUAGES`); English when a translation is missing."""
        if language == ENGLISH:
            return str(self)
        template: str = translations(language).gettext(self.msgid)
        if not self.params:
            return template
        values = {name: localized(value, language) for name, value in self.params.items()}
        return template.format_map(values)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.msgid, dict(self.params)))


def t(msgid: str, /, **params: Any) -> Message:
    """A translatable message: `msgid` is the English template, `params` fill its `{names}`."""
    return Message(msgid, params)


def localized(value: Any, language: str) -> Any:
    """`value` in `language` when it is a `Message`, otherwise unchanged."""
    return value.render(language) if isinstance(value, Message) else value


def placeholders(template: str) -> set[str]:
    """The `{names}` a template fills (the catalog test compares both languages' sets)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def use_catalog(package: str) -> None:
    """Load `package`'s catalog too (a service calls this for its own package)."""
    if package not in _catalog_packages:
        _catalog_packages.append(package)
        translations.cache_clear()


@cache
def translations(language: str) -> NullTranslations:
    """Every loaded package's catalog for `language`, merged."""
    merged: Translations | None = None
    locale = _CATALOG_LOCALE.get(language)
    if locale is None:
        return NullTranslations()
    for package in _catalog_packages:
        catalog_file = resources.files(package) / "locale" / locale / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
        if not catalog_file.is_file():
            continue
        with catalog_file.open("rb") as po:
            catalog = read_po(po, locale=locale)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        loaded = Translations(compiled, domain=CATALOG_DOMAIN)
        merged = loaded if merged is None else merged.merge(loaded)
    return merged if merged is not None else NullTranslations()


def negotiate(accept_language: str | None) -> str:
    """The language to answer in, from an `Accept-Language` header (RFC 9110 quality values).

    Any Chinese tag (`zh`, `zh-CN`, `zh-Hans`, `zh-TW`) gets Simplified Chinese, the only
    Chinese the catalogs hold; anything else, or nothing, gets English.
    """
    best, best_quality = ENGLISH, 0.0
    for tag, quality in _ranges(accept_language or ""):
        language = CHINESE if tag.startswith("zh") else ENGLISH if tag.startswith("en") or tag == "*" else None
        # Strictly greater: of equal qualities the first listed wins ("zh-CN, en" is Chinese).
        if language is not None and quality > best_quality:
            best, best_quality = language, quality
    return best


def _ranges(header: str) -> Iterable[tuple[str, float]]:
    for item in header.split(","):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            yield tag.strip().lower(), quality


def language_of_scope(scope: Mapping[str, Any]) -> str:
    """The language an ASGI request asks for."""
    for name, value in scope.get("headers") or ():
        if name == b"accept-language":
            return negotiate(value.decode("latin-1"))
    return ENGLISH
