"""The Swedish translation is complete and the compiled catalogue matches it."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "sv" / "LC_MESSAGES"


def po_entries() -> list[dict[str, object]]:
    """A small reader for the .po file: msgid, plural and translations, and flags."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key = None

    def unquote(text: str) -> str:
        return (
            bytes(text.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode()
        )

    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line):
            key = match.group(1)
            entry[key] = unquote(match.group(2))
        elif line.startswith('"') and key:
            entry[key] = str(entry[key]) + unquote(line)
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    missing = []
    for entry in po_entries():
        if not entry["msgid"]:
            continue  # the header
        if "fuzzy" in str(entry.get("flags", "")):
            missing.append(f"fuzzy: {entry['msgid']}")
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        if not all(translations):
            missing.append(f"untranslated: {entry['msgid']}")
    assert not missing, "\n".join(missing)


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = []
    for entry in po_entries():
        if not entry["msgid"] or "msgid_plural" in entry:
            continue
        if "msgctxt" in entry:
            translated = catalogue.pgettext(str(entry["msgctxt"]), str(entry["msgid"]))
        else:
            translated = catalogue.gettext(str(entry["msgid"]))
        if translated != entry["msgstr"]:
            stale.append(str(entry["msgid"]))
    assert not stale, f"run `make messages`; django.mo lacks: {stale[:5]}"


@pytest.mark.django_db
def test_swedish_whatever_the_browser_asks_for():
    browser_in_english = Client(headers={"accept-language": "en-US,en"})
    assert "Logga in" in browser_in_english.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_english_when_the_user_chooses_it():
    http = Client()
    http.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in" in http.get(reverse("login")).content.decode()
    http.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "Logga in" in http.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_the_demo_hint_shows_only_with_debug_on(settings):
    assert "klientstod-demo" not in Client().get(reverse("login")).content.decode()
    settings.DEBUG = True
    assert "klientstod-demo" in Client().get(reverse("login")).content.decode()
