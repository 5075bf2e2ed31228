"""The ``assistant eval`` report: metrics over the clips' outcomes, as JSON and text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .evaluate import (
    OUTCOMES,
    RIGHT,
    ExpectAnswer,
    ExpectCommand,
    ExpectRefuse,
    Label,
    Observation,
)
from .metrics import COMMAND_STAGES

_WORST_FIRST = tuple(o for o in OUTCOMES if o not in RIGHT)
_CONFUSIONS = 10


@dataclass
class ClipResult:
    label: Label
    outcome: str
    detail: str = ""
    obs: Observation = field(default_factory=Observation)
    ran: bool = True
    """False: the WAV is missing or unreadable (outcome ``error``)."""

    def as_json(self) -> dict[str, Any]:
        obs, label = self.obs, self.label
        latency = None if obs.latency_ms is None else round(obs.latency_ms, 1)
        return {
            "id": label.name,
            "file": label.file,
            "home": label.home,
            "category": label.category,
            "kind": label.expect.kind,
            "text": label.text,
            "outcome": self.outcome,
            "detail": self.detail,
            "woke": obs.woke,
            "wakes": obs.wakes,
            "seconds": round(obs.seconds, 2),
            "transcript": obs.transcript,
            "commands": [{"topic": t, "payload": p} for t, p in obs.commands],
            "reply": obs.reply,
            "asked": obs.asked,
            "early": obs.early,
            "answer": obs.answer,
            "answer_reply": obs.answer_reply,
            "latency_ms": latency,
            "path": obs.path,
            "confidence": obs.confidence,
        }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (as ``assistant bench``); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def share(part: int, whole: int) -> dict[str, Any]:
    """``{"count", "n", "pct"}``; pct is None for no clips."""
    pct = round(100 * part / whole, 1) if whole else None
    return {"count": part, "n": whole, "pct": pct}


def expected_text(label: Label) -> str:
    expect = label.expect
    if isinstance(expect, ExpectCommand):
        sent = ", ".join(f"{c.topic} {c.payload or '(any)'}" for c in expect.commands)
        return sent + (" (after a yes)" if expect.confirm else "")
    if isinstance(expect, ExpectAnswer | ExpectRefuse):
        says = (
            f" saying {' and '.join(f'/{p}/' for p in expect.says)}"
            if expect.says
            else ""
        )
        return f"{expect.kind}{says}"
    return "nothing (no wake word)"


def _categories(results: list[ClipResult]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for name in sorted({r.label.category for r in results}):
        mine = [r for r in results if r.label.category == name]
        right = sum(r.outcome in RIGHT for r in mine)
        outcomes = Counter(r.outcome for r in mine)
        rows[name] = {
            "n": len(mine),
            "right": right,
            "pct": round(100 * right / len(mine), 1),
            "right_after_question": outcomes["right_after_question"],
            "outcomes": {o: outcomes[o] for o in OUTCOMES if outcomes[o]},
        }
    return rows


def _confusion(r: ClipResult) -> dict[str, Any]:
    return {
        "id": r.label.name,
        "category": r.label.category,
        "outcome": r.outcome,
        "expected": expected_text(r.label),
        "heard": r.obs.transcript,
        "sent": [f"{t} {p}" for t, p in r.obs.commands],
        "reply": r.obs.reply,
        "detail": r.detail,
    }


def build_report(results: list[ClipResult]) -> dict[str, Any]:
    """Every metric of the README's "Checking it on your own voice" section."""
    ran = [r for r in results if r.ran]
    outcomes = Counter(r.outcome for r in results)
    refuse = [r for r in ran if r.label.expect.kind == "refuse"]
    wake = [r for r in ran if r.label.expect.kind != "ignore"]
    ignore = [r for r in ran if r.label.expect.kind == "ignore"]
    paths: dict[str, list[float]] = {}
    for r in ran:
        if r.obs.transcript is not None and r.obs.latency_ms is not None:
            paths.setdefault(r.obs.path or "rules", []).append(r.obs.latency_ms)
    latencies = [ms for values in paths.values() for ms in values]
    stages = {
        stage: [r.obs.stages_ms[stage] for r in ran if stage in r.obs.stages_ms]
        for stage in COMMAND_STAGES
    }
    asked = [r for r in ran if r.obs.asked]
    heard = [r for r in ran if r.obs.transcript is not None]
    worst = sorted(
        (r for r in results if r.outcome not in RIGHT),
        key=lambda r: _WORST_FIRST.index(r.outcome),
    )
    return {
        "clips": len(results),
        "ran": len(ran),
        "false_action": share(outcomes["wrong_action"], len(ran)),
        "categories": _categories(results),
        "refusals": share(
            sum(r.outcome in ("right", "refused") for r in refuse), len(refuse)
        ),
        "wake_recall": share(sum(r.obs.woke for r in wake), len(wake)),
        "false_wakes": share(sum(r.obs.woke for r in ignore), len(ignore)),
        "false_wakes_per_hour": _per_hour(ignore),
        "latency_ms": {
            "n": len(latencies),
            "p50": round(percentile(latencies, 0.5), 1),
            "p90": round(percentile(latencies, 0.9), 1),
            "by_path": {
                path: {"n": len(v), "p50": round(percentile(v, 0.5), 1)}
                for path, v in sorted(paths.items())
            },
            "by_stage": {
                stage: {
                    "p50": round(percentile(v, 0.5), 1),
                    "p90": round(percentile(v, 0.9), 1),
                }
                for stage, v in stages.items()
                if v
            },
        },
        "early_ends": share(sum(r.obs.early for r in heard), len(heard)),
        "questions": {
            "asked": len(asked),
            "expected": sum(
                isinstance(r.label.expect, ExpectCommand) and r.label.expect.confirm
                for r in asked
            ),
            "right_after_question": outcomes["right_after_question"],
        },
        "outcomes": {o: outcomes[o] for o in OUTCOMES if outcomes[o]},
        "confusions": [_confusion(r) for r in worst[:_CONFUSIONS]],
        "results": [r.as_json() for r in results],
    }


def _per_hour(ignore: list[ClipResult]) -> dict[str, float]:
    """Every time the ``ignore`` clips woke it, per hour of their audio."""
    wakes = sum(r.obs.wakes for r in ignore)
    hours = sum(r.obs.seconds for r in ignore) / 3600
    per_hour = round(wakes / hours, 2) if hours else 0.0
    return {"wakes": wakes, "hours": round(hours, 3), "per_hour": per_hour}


def _ratio(s: dict[str, Any]) -> str:
    return f"{s['count']}/{s['n']}" + (f" ({s['pct']:.1f} %)" if s["n"] else "")


def format_report(report: dict[str, Any]) -> str:
    """The human-readable report; its first line is the false action rate."""
    fa = report["false_action"]
    lines = [
        f"false action rate: {fa['pct'] or 0.0:.1f} % ({fa['count']} of {fa['n']} "
        "clips sent a command nobody asked for)",
        f"{report['ran']} of {report['clips']} clips ran",
        "",
        f"{'category':14}{'right':>6}{'n':>6}{'%':>8}  other outcomes",
    ]
    for name, row in report["categories"].items():
        others = [f"{o} {n}" for o, n in row["outcomes"].items() if o not in RIGHT]
        if row["right_after_question"]:
            others.insert(0, f"({row['right_after_question']} right after a question)")
        lines.append(
            f"{name:14}{row['right']:>6}{row['n']:>6}{row['pct']:>7.1f}%  "
            + ", ".join(others)
        )
    lat, q = report["latency_ms"], report["questions"]
    lines += [
        "",
        f"refusals (refuse clips refused): {_ratio(report['refusals'])}",
        f"wake recall: {_ratio(report['wake_recall'])}",
        f"false wakes (ignore clips that woke): {_ratio(report['false_wakes'])}",
    ]
    hourly = report["false_wakes_per_hour"]
    if hourly["hours"]:
        lines.append(
            f"false wakes per hour: {hourly['per_hour']:.2f} ({hourly['wakes']} in "
            f"{60 * hourly['hours']:.1f} minutes of ignore clips)"
        )
    if lat["n"]:
        paths = ", ".join(
            f"{p} {v['p50']:.0f} ms ({v['n']})" for p, v in lat["by_path"].items()
        )
        lines.append(
            f"latency after end of speech: p50 {lat['p50']:.0f} ms, p90 "
            f"{lat['p90']:.0f} ms over {lat['n']} clips; p50 by path: {paths}"
        )
        by_stage = ", ".join(
            f"{s} {v['p50']:.0f}/{v['p90']:.0f}" for s, v in lat["by_stage"].items()
        )
        lines.append(f"stages, ms p50/p90: {by_stage}")
    if report["early_ends"]["count"]:
        early = _ratio(report["early_ends"])
        lines.append(
            f"ended at a short pause (vad.early_seconds): {early} of heard commands"
        )
    lines.append(
        f"questions asked: {q['asked']} ({q['expected']} expected by confirm: true, "
        f"{q['right_after_question']} right after a question)"
    )
    if report["confusions"]:
        lines += ["", "worst confusions:"]
    for number, c in enumerate(report["confusions"], 1):
        did = [f"sent {', '.join(c['sent'])}"] if c["sent"] else []
        did += [f"said {c['reply']!r}"] if c["reply"] else []
        heard = "nothing" if c["heard"] is None else repr(c["heard"])
        lines += [
            f"{number:3}. {c['id']} [{c['category']}] {c['outcome']}: "
            f"expected {c['expected']}",
            f"     heard {heard} -> {'; '.join(did) or c['detail'] or 'nothing'}",
        ]
    return "\n".join(line.rstrip() for line in lines)
