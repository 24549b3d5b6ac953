"""Fill empty English translations from a 'persian|english' file and compile the catalogue.

Used after `maharat makemessages -l en`:  .venv/bin/python scripts/fill-translations.py pairs.txt
(polib is a development-only helper: pip install polib)."""

import sys

import polib

CATALOGUE = "maharat/locale/en/LC_MESSAGES/django.po"


def main(pairs_file: str) -> None:
    pairs = dict(line.rstrip("\n").split("|", 1) for line in open(pairs_file, encoding="utf-8") if "|" in line)
    po = polib.pofile(CATALOGUE)
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
        if not entry.msgstr:
            if entry.msgid in pairs:
                entry.msgstr = pairs[entry.msgid]
            else:
                missing.append(entry.msgid)
    po.save()
    po.save_as_mofile(CATALOGUE[:-2] + "mo")
    print(f"{po.percent_translated()}% translated; missing: {missing}")


if __name__ == "__main__":
    main(sys.argv[1])
