"""Writes docs/protocol.md from the models themselves, so the document cannot drift.

``python -m server.protocol_doc > docs/protocol.md``; a test checks that the committed file
is what this module writes.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

from .export.formats import MINUTES, SCENARIO, listed
from .rooms.protocol import CLOSE_REASONS, Hello
from .state.codes import REJECTIONS
from .state.models import PHASES
from .state.ops import CLIENT_OPS, SERVER_OPS
from .state.reducer import OPEN, RULES

REMARKS = {
    "note.edit": "only its author or the facilitator",
    "note.delete": "only its author or the facilitator",
    "note.move": "its author; anyone in `cluster`",
    "note.restore": "a deleted card (the room keeps the last 200): its author or the "
    "facilitator; back in its cluster if that still exists",
    "op.undo": "`seq` of the top of the undo stack (the facilitator's last merge, deletion "
    "of a cluster or card, or program drop); the event says `undone` and `resync`",
    "vote.cast": "`dots` mode; at most `dots` per criterion and `max_per_item` per program",
    "vote.retract": "`dots` mode",
    "vote.score": "`score` mode; 1 to 5, null clears",
    "participant.ready": "resets when the phase changes",
    "phase.set": "a phase of the room's `phases`, or `lobby` / `closed`",
    "participant.update": "oneself; the facilitator for anyone (`participant`); null clears "
    "`category` and `gender`",
    "participant.add": "a paper participant (`paper: true`, id `u<n>` as joins get)",
    "commitment.set": "text of at most 500 characters; null or empty clears",
    "followup.add": "id `f<seq>`; `actor` an actor id; `due` as people write it",
}
WHO = {
    "facilitator": "facilitator",
    "member": "participants and facilitator",
    "voter": "participants (not the facilitator)",
}

INTRO = """\
# S-PWT Board wire protocol, v1

This file is written by `python -m server.protocol_doc` from the pydantic models of the
server; `tests/test_protocol_doc.py` fails when it is out of date. The design and the
reasons are in `docs/design.md` §3.

## HTTP

| request | answer |
|---|---|
| `POST /api/rooms` `{title, region?, horizon?, language?}` | `201 {room, facilitator_key, links: {join, console, screen}}`: absolute URLs, from the public URL when one is set (`--public-url`, `--lan`) |
| `GET /api/rooms/{room}` | `{room, title, phase, seq, online}`; unknown room: `404`; after too many unknown codes from the address, `429` with `Retry-After` on every room route (the socket closes with 4429) |
| `GET /api/rooms/{room}/state[?seq=N]` | the room's state as the caller may see it: the very `state` of their `welcome`, of some seq (its `seq` field; at least `N`), compressed (`br` or `gzip`, as `Accept-Encoding` asks), with an `ETag` (`If-None-Match` gives `304`) and `Cache-Control: private, no-cache`; a resume token gives that participant's view, the facilitator key that of a facilitator with no card or vote; a removed participant: `403`. Pages fetch it, then open the socket with `since` = its `seq` (see `hello.state`) |
| `GET /api/rooms/{room}/scenario?format={scenario_formats}` | the scenario record as of now; CSV: `&table=plan` the plan table, `&table=matrix` the role matrix; `;` and decimal comma in a room in Bahasa Indonesia, `,` in English, `&sep=,` or `&sep=;` overrides |
| `GET /api/rooms/{room}/snapshots` | `{snapshots: [{n, seq, label, taken_at, phase, final}]}` |
| `GET /api/rooms/{room}/snapshots/{n}?format=…` | a stored snapshot's record |
| `GET /api/rooms/{room}/minutes?format={minutes_formats}[&snapshot=N]` | the berita acara kesepakatan (minutes) of snapshot N; by default of the final snapshot, else of now |
| `GET /api/schema/scenario` | the JSON Schema of the record |
| `GET /healthz`, `GET /metrics` | readiness; Prometheus text |

Scenario, snapshot and minutes requests need `Authorization: Bearer <facilitator key or resume
token>`. Errors are JSON: `{"error": {"code", "message"}}`. A `POST` needs
`Content-Type: application/json` (else `415`) and, from a browser page, an `Origin` of the
board's own or a configured one (else `403`); so does the WebSocket handshake (`403`).

## WebSocket `/ws/{room}`

JSON text frames, one object per frame. The first frame is `hello`; the server answers
`welcome` (with the full `state` unless `since` could be served from the log, in which
case the missed `events` follow). A hello with `"state": false` (a page that has no token
yet and fetches the state over HTTP, `GET /api/rooms/{room}/state?seq=<welcome's seq>`,
with the welcome's token) gets a welcome without `state`; the events after its `seq`
follow as they happen. Then:

- client → server: `{"type":"op","id":"<unique per sender>","op":{"kind":…}}`,
  `{"type":"ping"}`. The facilitator's op frames may carry `"on_behalf":"<id>"` of a paper
  participant (`participant.add`): the op is checked as that participant's own (their
  role, the phase, their dots) and its event has `by` = that participant and `via` = the
  facilitator. From anyone else, or for any other id: `forbidden`.
- server → client: `{"type":"events","events":[{seq, at, by, op_id, op}]}` in sequence
  order (your own op comes back here: that is its acknowledgement, sent only once it is
  durable); `{"type":"rejected","id","code","message"}`; `{"type":"presence","online":[ids]}`;
  `{"type":"pong"}`; `{"type":"error","code","message"}` for a malformed frame.

Resending an op `id` after a reconnect never applies it twice: the server answers with the
original event again (same `seq`; `{"seq","by","op_id","op":{"kind":"hidden"}}` if the log
no longer holds it); skip events whose `seq` you already have. So a client that lost its
acks (closed with 4429, say) learns what was applied from the missed events after
resuming with `since`, and by resending the ids it has not seen answered.

Every accepted op comes back to its sender with its `op_id`, whatever is hidden: moving
someone else's private card gives you your own op back (never the card's text), while the
others get a `hidden` event. An `op_id` is its sender's: events shown without their author
(anonymous rooms, `hidden` events) carry none.

An event you may not see (another participant's vote before the reveal, another's private
card) still arrives as `{"seq","at","op":{"kind":"hidden"}}` so that sequence numbers stay
contiguous; hidden votes carry `participation: {voters, used}`, hidden cards
`note_count`. After `votes.reveal` (which carries `tallies` and `voters`), every vote
event carries its program's new `tally` (criterion → dots, or mean score), `voters` and the
room's `participation`. The reveal also carries `by_category`: program → participant
category → `{<criterion>…, total, voters}`; in an anonymous room a category of fewer than
3 voters is `{"suppressed": true, "voters": "<3"}`.
Times (`at`) are epoch milliseconds. Text fields are stored without NUL and without the
bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C): they are
stripped, not refused.
"""


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """A JSON Schema type in a few words ("string or null", "array of string")."""
    if "$ref" in schema:
        return "object " + schema["$ref"].rsplit("/", 1)[-1].removesuffix("In")
    if "anyOf" in schema:
        return " or ".join(_type(option, defs) for option in schema["anyOf"])
    if "enum" in schema:
        return " / ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type", "any")
    if kind == "array":
        return "array of " + _type(schema.get("items", {}), defs)
    bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum") if k in schema]
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


def _fields(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    parts = [
        f"`{name}{'' if name in required else '?'}`: {_type(prop, schema.get('$defs', {}))}"
        for name, prop in schema["properties"].items()
        if name != "kind"
    ]
    return ", ".join(parts) or "—"


def _rule(kind: str) -> str:
    rule = RULES[kind]
    who = WHO[rule.who]
    if rule.phases is not None and rule.phases != OPEN:
        who += "; participants in " + ", ".join(f"`{p}`" for p in PHASES if p in rule.phases)
    return who + (f"; {REMARKS[kind]}" if kind in REMARKS else "")


def render() -> str:
    intro = INTRO.replace("{scenario_formats}", listed(SCENARIO))
    intro = intro.replace("{minutes_formats}", listed(MINUTES))
    lines = [intro, "### hello\n", _fields(Hello), ""]
    lines += ["## Ops\n", "| kind | fields | who, when |", "|---|---|---|"]
    for model in CLIENT_OPS:
        kind = model.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]
        lines.append(f"| `{kind}` | {_fields(model)} | {_rule(kind)} |")
    lines += [
        "",
        "The facilitator may do anything in any phase. Observers may send nothing but `ping`.",
        "When the board is locked only the facilitator changes anything. In `review` and",
        "`closed` the board is read-only for participants (the ready check still works).",
        "",
        "## Ops the server writes\n",
        'Events of these kinds have `by` = `""`. A room started from a record (`POST',
        '/api/rooms` with `from`) begins with ordinary ops the server writes, `by` = `""`',
        "(`room.configure`, `vision.set`, `actor.add`, `cluster.add`, `note.add`, …), then",
        "one `room.seed` with the provenance.",
        "",
        "| kind | fields |",
        "|---|---|",
        *[f"| `{m.kind_name()}` | {_fields(m)} |" for m in SERVER_OPS],
        "",
        "## Rejection codes\n",
        "| code | meaning |",
        "|---|---|",
        *[f"| `{code}` | {code.meaning} |" for code in REJECTIONS],
        "",
        "## Close codes\n",
        "| code | meaning |",
        "|---|---|",
        *[f"| {int(code)} | {reason} |" for code, reason in CLOSE_REASONS.items()],
        "",
    ]
    return "\n".join(lines)


def main(argv: Any = None) -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
