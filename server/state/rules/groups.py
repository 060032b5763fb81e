"""Working groups (kelompok kerja): parallel tables in one room, one log, one total order.

Groups are a dimension of the state: cards and clusters carry the group they were made in,
and in a grouped phase (``settings.grouped_phases``, once a group exists) participants
write, move and cluster only inside their own group. Outside the grouped phases (the
plenary) every group's clusters are everyone's; the facilitator works across groups always.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..codes import Code
from ..models import PHASES, Group, Participant, RoomState
from ..ops import Entry
from ..ops import groups as o
from .base import Outcome, Rejected, required_text, rule


def group_of(s: RoomState, group_id: str) -> Group:
    group = s.groups.get(group_id)
    if group is None:
        raise Rejected(Code.NOT_FOUND, f"no group {group_id}")
    return group


def member_of(s: RoomState, participant: str) -> str:
    who = s.participants.get(participant)
    if who is None or who.removed or who.role != "participant":
        raise Rejected(Code.NOT_FOUND, f"no participant {participant}")
    return who.id


def my_group(s: RoomState, by: str) -> str | None:
    """The group a new card or cluster of ``by`` belongs to now (None: the plenary)."""
    return s.membership.get(by) if s.grouped else None


def within_group(s: RoomState, e: Entry, group: str | None) -> None:
    """In a grouped phase a participant touches only what belongs to their own group."""
    if s.grouped and s.role_of(e.by) != "facilitator" and group != s.membership.get(e.by):
        raise Rejected(Code.FORBIDDEN, "this belongs to another working group")


def rapporteur_rights(s: RoomState, e: Entry, group: str | None) -> None:
    """Renaming and merging a group's clusters is its rapporteur's, once it has one."""
    within_group(s, e, group)
    rapporteur = s.groups[group].rapporteur if group in s.groups else None
    if s.grouped and rapporteur and e.by != rapporteur and s.role_of(e.by) != "facilitator":
        raise Rejected(
            Code.FORBIDDEN, "only the group's rapporteur renames and merges its clusters"
        )


def regrouped(before: RoomState, after: RoomState) -> Outcome:
    """``after``, telling the pages to load the room anew when what participants may see of
    the groups changed (the grouped phases began or ended, members moved, boards opened):
    the cards they gain never reached them, the ones they lose are still on their screen."""
    changed = before.grouped != after.grouped or (
        after.grouped
        and (
            before.membership != after.membership
            or before.settings.groups_visible != after.settings.groups_visible
            or before.groups.keys() != after.groups.keys()
        )
    )
    return (after, {"resync": True}) if changed else after


def _name(s: RoomState, name: str, but: str | None = None) -> str:
    name = required_text(name, s.limits.title, "name")
    if any(g.name.casefold() == name.casefold() and g.id != but for g in s.groups.values()):
        raise Rejected(Code.INVALID, f"there is a group {name} already")
    return name


@rule(o.GroupAdd, who="facilitator")
def group_add(s: RoomState, e: Entry, op: o.GroupAdd) -> Outcome:
    group = Group(id=f"g{e.seq}", name=_name(s, op.name), created_at=e.at)
    return s.model_copy(update={"groups": {**s.groups, group.id: group}}), {
        "group": group.id,
        "name": group.name,
    }


@rule(o.GroupRename, who="facilitator")
def group_rename(s: RoomState, e: Entry, op: o.GroupRename) -> Outcome:
    group = group_of(s, op.group)
    renamed = group.model_copy(update={"name": _name(s, op.name, but=group.id)})
    return s.model_copy(update={"groups": {**s.groups, group.id: renamed}}), {"name": renamed.name}


@rule(o.GroupDelete, who="facilitator")
def group_delete(s: RoomState, e: Entry, op: o.GroupDelete) -> Outcome:
    """Its cards and clusters go to the plenary; its members become unassigned."""
    gone = group_of(s, op.group).id

    def plenary(things: dict[str, Any]) -> dict[str, Any]:
        return {
            k: t.model_copy(update={"group": None}) if t.group == gone else t
            for k, t in things.items()
        }

    after = s.model_copy(
        update={
            "groups": {k: g for k, g in s.groups.items() if k != gone},
            "membership": {p: g for p, g in s.membership.items() if g != gone},
            "notes": plenary(s.notes),
            "clusters": plenary(s.clusters),
            "focus": None if s.focus == gone else s.focus,
        }
    )
    return regrouped(s, after)


def _assign(s: RoomState, participant: str, group: str | None) -> RoomState:
    membership = {p: g for p, g in s.membership.items() if p != participant}
    if group is not None:
        membership[participant] = group
    groups = {
        k: g.model_copy(update={"rapporteur": None})
        if g.rapporteur == participant and g.id != group
        else g
        for k, g in s.groups.items()
    }
    return s.model_copy(update={"membership": membership, "groups": groups})


@rule(o.GroupAssign, who="facilitator")
def group_assign(s: RoomState, e: Entry, op: o.GroupAssign) -> Outcome:
    participant = member_of(s, op.participant)
    group = None if op.group is None else group_of(s, op.group).id
    return regrouped(s, _assign(s, participant, group))


@rule(o.GroupJoin, who="member")
def group_join(s: RoomState, e: Entry, op: o.GroupJoin) -> Outcome:
    if not s.settings.self_select_groups:
        raise Rejected(Code.FORBIDDEN, "the facilitator assigns the groups in this room")
    return regrouped(s, _assign(s, member_of(s, e.by), group_of(s, op.group).id))


@rule(o.GroupRapporteur, who="facilitator")
def group_rapporteur(s: RoomState, e: Entry, op: o.GroupRapporteur) -> Outcome:
    group = group_of(s, op.group)
    if op.participant is not None and s.membership.get(member_of(s, op.participant)) != group.id:
        raise Rejected(Code.INVALID, f"{op.participant} is not a member of {group.name}")
    named = group.model_copy(update={"rapporteur": op.participant})
    return s.model_copy(update={"groups": {**s.groups, group.id: named}})


@rule(o.GroupsAuto, who="facilitator")
def groups_auto(s: RoomState, e: Entry, op: o.GroupsAuto) -> Outcome:
    """Everyone in the room into ``count`` groups, deterministically (from the log alone).

    ``category`` and ``org`` keep people of one kind together, whole kinds to the smallest
    group first; ``mixed`` deals people out in turn, sorted by category and organisation, so
    that every group gets a spread of both. Missing groups are made as "Kelompok N".
    """
    groups = dict(s.groups)
    for n in range(len(groups) + 1, op.count + 1):
        made = Group(id=f"g{e.seq}-{n}", name=_free_name(groups, n), created_at=e.at)
        groups[made.id] = made
    chosen = list(groups)[: op.count]
    people = [p for p in s.participants.values() if p.role == "participant" and not p.removed]
    membership: dict[str, str] = {}
    if op.by == "mixed":
        people.sort(key=lambda p: (_category(p), p.org.casefold(), _order(p.id)))
        membership = {p.id: chosen[n % len(chosen)] for n, p in enumerate(people)}
    else:
        kinds: dict[str, list[str]] = defaultdict(list)
        for p in people:
            kinds[_category(p) if op.by == "category" else p.org.strip().casefold()].append(p.id)
        sizes = dict.fromkeys(chosen, 0)
        for _, ids in sorted(kinds.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            smallest = min(chosen, key=lambda g: (sizes[g], chosen.index(g)))
            sizes[smallest] += len(ids)
            membership.update(dict.fromkeys(ids, smallest))
    after = s.model_copy(update={"groups": groups, "membership": membership})
    fields: dict[str, Any] = {
        "groups": [{"group": g, "name": groups[g].name} for g in chosen],
        "membership": membership,
    }
    outcome = regrouped(s, after)
    return after, {**fields, **outcome[1]} if isinstance(outcome, tuple) else fields


def _free_name(groups: dict[str, Group], n: int) -> str:
    taken = {g.name.casefold() for g in groups.values()}
    while f"kelompok {n}" in taken:
        n += 1
    return f"Kelompok {n}"


def _category(p: Participant) -> str:
    return p.category or "other"


def _order(pid: str) -> int:
    return int(pid[1:]) if pid[1:].isdigit() else 0


def grouped_phases(phases: list[str]) -> tuple[str, ...]:
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        raise Rejected(Code.INVALID, f"grouped_phases must be keys of {', '.join(PHASES)}")
    return tuple(dict.fromkeys(phases))
