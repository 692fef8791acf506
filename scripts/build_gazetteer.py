"""Generate arabic/data/gazetteer_countries.tsv from CLDR territory names (via Babel).

Each row: Arabic name<TAB>LOC<TAB>ISO code.  Only two-letter territory codes
(countries and territories), not regions like 'العالم' (001).

    .venv/bin/python scripts/build_gazetteer.py
"""

from __future__ import annotations

from babel import Locale

OUT = "src/marsad/arabic/data/gazetteer_countries.tsv"


def main() -> None:
    ar = Locale("ar")
    rows = []
    for code, name in sorted(ar.territories.items()):
        if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"):
            rows.append(f"{name}\tLOC\t{code}")
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("# Country and territory names in Arabic, generated from CLDR by scripts/build_gazetteer.py\n")
        fh.write("\n".join(rows) + "\n")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
