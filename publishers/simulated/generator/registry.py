"""The registry's event feed: every event in time order, numbered from seq 1.

Deliberately bad records are planted here (see ``Event.defect``); CORRECTION events
supersede a few earlier events whose quantity was wrong.
"""

from __future__ import annotations

from datetime import timedelta

from ..calendar import AS_OF
from ..rand import rng
from ..uscc import make_uscc
from .events import Event, d, office_time


def _correct(seed: int, events: list[Event]) -> list[Event]:
    """Give five quantity-bearing events a wrong quantity and add the CORRECTION that fixes it."""
    rnd = rng(seed, "corrections")
    pool = [e for e in events if e.etype in ("SURRENDER", "ALLOCATION") and e.time < "2026-06"]
    out = []
    for original in rnd.sample(pool, 5):
        true_qty = original.get("Quantity") or "0"
        wrong = str(int(true_qty) * 10) if rnd.random() < 0.5 else true_qty[:-1] + str((int(true_qty[-1]) + 3) % 10)
        correct_fields = list(original.fields)
        original.fields = original.replace("Quantity", wrong)
        day = min(d(original.time[:10]) + timedelta(days=rnd.randrange(3, 20)), AS_OF)
        out.append(Event("CORRECTION", office_time(rnd, day, day), correct_fields, supersedes=original,
                         defect=("correction", f"supersedes an {original.etype} whose Quantity {wrong} was wrong")))
    return out


def _first(events: list[Event], etype: str, rnd_key: int, pred=lambda e: True) -> Event:
    pool = [e for e in events if e.etype == etype and pred(e)]
    return pool[rnd_key % len(pool)]


def _plant_defects(seed: int, events: list[Event], used_codes: set[str]) -> list[Event]:
    """Mutate a few events into bad records and return extra bad events."""
    rnd = rng(seed, "registry-defects")
    missing = _first(events, "ALLOCATION", rnd.randrange(10**6))
    missing.fields = [f for f in missing.fields if f[0] != "Quantity"]
    missing.defect = ("missing-required-field", "ALLOCATION without <Quantity>")
    unknown = _first(events, "CCER_CANCELLATION", rnd.randrange(10**6), lambda e: e.get("Purpose") != "ETS_OFFSET")
    unknown.fields = unknown.replace("Purpose", "GIFT")
    unknown.defect = ("unknown-code", "CCER_CANCELLATION Purpose GIFT is not in the code list")
    pledge = _first(events, "PLEDGE_REGISTERED", rnd.randrange(10**6))
    pledge.fields = pledge.replace("TermEnd", f"{pledge.get('TermEnd')[:4]}-02-30")
    pledge.defect = ("malformed-date", "PLEDGE_REGISTERED TermEnd is not a calendar date")
    _over_release(events, rnd.randrange(10**6))
    stranger = make_uscc(rng(seed, "unlisted-unit"), "370200", used_codes)
    extra = [
        Event("ALLOCATION", office_time(rnd, d("2026-06-01"), d("2026-06-30")),
              [("Uscc", stranger), ("Vintage", "CEA25"), ("Quantity", "412000"), ("Stage", "PRE")],
              defect=("unlisted-uscc", "ALLOCATION for a USCC the platform has not listed")),
        Event("CANCELLATION", office_time(rnd, d("2026-07-01"), d("2026-07-20")),
              [("Uscc", stranger), ("Unit", "CEA25"), ("Quantity", "1000"), ("Purpose", "VOLUNTARY")],
              defect=("unlisted-uscc", "CANCELLATION by a USCC the platform has not listed")),
    ]
    return [*extra, _overlapping_issuance(events, rnd.randrange(10**6))]


def _over_release(events: list[Event], key: int) -> None:
    releases: dict[str, list[Event]] = {}
    for e in events:
        if e.etype == "PLEDGE_RELEASED":
            releases.setdefault(e.get("PledgeId"), []).append(e)
    single = [e for e in events if e.etype == "PLEDGE_REGISTERED" and len(releases.get(e.get("PledgeId"), [])) == 1]
    pledge = single[key % len(single)]
    release = releases[pledge.get("PledgeId")][0]
    release.fields = release.replace("Quantity", str(int(pledge.get("Quantity")) + 50_000))
    release.defect = ("pledge-release-exceeds", "PLEDGE_RELEASED quantity exceeds the quantity pledged")


def _overlapping_issuance(events: list[Event], key: int) -> Event:
    issuances = [e for e in events if e.etype == "CCER_ISSUANCE"]
    base = issuances[key % len(issuances)]
    other = issuances[(key + 1) % len(issuances)]
    start = int(base.get("SerialStart")) + 1_000
    when = max(base.time, other.time)
    day = min(d(when[:10]) + timedelta(days=7), AS_OF)
    return Event("CCER_ISSUANCE", office_time(rng(key), day, day), [
        ("ProjectId", other.get("ProjectId")), ("Vintage", other.get("Vintage")),
        ("SerialStart", str(start)), ("SerialEnd", str(start + 19_999))],
        defect=("overlapping-serial-block", f"serial block overlaps the block issued to {base.get('ProjectId')}"))


def assemble(seed: int, events: list[Event], used_codes: set[str]) -> list[Event]:
    """Plant defects and corrections, order by time and number the feed from 1."""
    extra = _plant_defects(seed, events, used_codes) + _correct(seed, events)
    feed = sorted(events + extra, key=lambda e: e.time)
    for seq, event in enumerate(feed, start=1):
        event.seq = seq
    return feed

