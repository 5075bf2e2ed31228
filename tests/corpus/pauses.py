"""Commands said with a pause inside them, for predictive endpointing.

``python -m tests.corpus.make pauses SPLIT OUT --pause 0.3`` takes the split's
direct commands and says each in two parts with ``--pause`` seconds of silence
between them, split before the words people often add after a pause ("... in the
bedroom", "... to 30 percent", "... for me", "... please"). The label is the
whole command's. A command that ends at the pause is cut off when its transcript
lacks the second part: ``python -m tests.corpus.pauses REPORT`` counts those in
``assistant eval``'s JSON report.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from assistant.intent import normalize

PAUSE_MARK = " | "
"""Where the pause goes in a clip's text."""

_BEFORE = re.compile(
    r"^(?P<first>(?:hey jarvis,? )\S+(?: \S+){1,}?)"
    r" (?P<rest>(?:in the|to|for me|please|now)\b.*)$",
    re.IGNORECASE,
)


def split_text(text: str) -> tuple[str, str] | None:
    """The two parts of a command said with a pause, or None (no place for one)."""
    found = _BEFORE.match(text)
    if found is None:
        return None
    return found["first"], found["rest"]


def pause_rows(rows: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        parts = split_text(row["text"]) if row["category"] == "direct" else None
        if parts is None:
            continue
        out.append({**row, "id": f"{row['id']}-p", "file": f"{row['id']}-p.wav",
                    "text": PAUSE_MARK.join(parts), "pause": seconds})  # fmt: skip
    return out


_FILLER = frozenset({"in", "the", "to", "for", "me", "now", "please", "on", "off"})


def telling_words(text: str) -> set[str]:
    """The words of a second part that say something ("lounge", "30", "percent")."""
    return set(normalize(text).split()) - _FILLER


def cut_off(result: dict[str, Any]) -> bool | None:
    """Whether a clip of two parts was heard without its second part (none of its
    telling words in the transcript); None when that cannot be told (not heard,
    or a second part of fillers: "now", "please")."""
    rest = result["text"].partition(PAUSE_MARK)[2]
    words = telling_words(rest)
    if not words or result["transcript"] is None:
        return None
    return not words & set(normalize(result["transcript"]).split())


def main(argv: list[str]) -> int:
    report = json.loads(Path(argv[0]).read_text("utf-8"))
    two = [r for r in report["results"] if PAUSE_MARK in r["text"]]
    heard = [r for r in two if r["transcript"] is not None]
    told = {r["id"]: was for r in heard if (was := cut_off(r)) is not None}
    cut = [r for r in heard if told.get(r["id"])]
    early = [r for r in heard if r.get("early")]
    print(f"{len(two)} clips with a pause, {len(heard)} heard, {len(early)} ended "
          f"at a pause; {len(cut)} of {len(told)} with telling words after the "
          "pause were cut off")  # fmt: skip
    for r in cut:
        sent = ", ".join(f"{c['topic']} {c['payload']}" for c in r["commands"])
        print(f"  {r['id']} [{r['outcome']}] {r['text']!r} heard {r['transcript']!r}"
              f" -> {sent or r['reply']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
