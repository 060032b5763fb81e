"""Working groups (``rules/groups.py``): parallel tables in one room."""

from __future__ import annotations

import pytest

from server.state import replay

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


def three_groups(b: Board) -> tuple[list[str], list[str]]:
    people = [b.join(name, org) for name, org in (
        ("Ani", "Dinas PUPR"), ("Budi", "Bappeda"), ("Citra", "LSM"), ("Dedi", "DPRD"),
        ("Eka", "Dinas PUPR"), ("Fajar", "Universitas"),
    )]  # fmt: skip
    groups = [b.do(b.facilitator, "group.add", name=n)["op"]["group"] for n in ("A", "B", "C")]
    for n, person in enumerate(people):
        b.do(b.facilitator, "group.assign", participant=person, group=groups[n % 3])
    return people, groups


def test_groups_are_made_renamed_and_named_uniquely_by_the_facilitator(b: Board) -> None:
    alice = b.join("Alice")
    event = b.do(b.facilitator, "group.add", name="Infrastruktur")
    group = event["op"]["group"]
    assert group == f"g{event['seq']}" and b.state.groups[group].name == "Infrastruktur"
    assert b.refused(b.facilitator, "group.add", name="infrastruktur") == "invalid"
    assert b.refused(alice, "group.add", name="Ekonomi") == "forbidden"
    b.do(b.facilitator, "group.rename", group=group, name="Infrastruktur wilayah")
    assert b.refused(b.facilitator, "group.rename", group="g999", name="X") == "not_found"


def test_in_a_grouped_phase_everyone_writes_and_clusters_in_their_own_group(b: Board) -> None:
    (ani, budi, *_), (ga, gb, _) = three_groups(b)
    b.phase("issues")
    mine = b.note(ani, "Jalan desa rusak")
    theirs = b.note(budi, "Air bersih kurang")
    assert (b.state.notes[mine].group, b.state.notes[theirs].group) == (ga, gb)
    b.phase("cluster")
    cluster = b.cluster(ani, "Jalan")
    assert b.state.clusters[cluster].group == ga
    b.do(ani, "note.cluster", note=mine, cluster=cluster)
    assert b.refused(ani, "note.cluster", note=theirs, cluster=cluster) == "forbidden"
    assert b.refused(budi, "note.cluster", note=theirs, cluster=cluster) == "forbidden"
    assert b.refused(budi, "note.move", note=mine, x=1, y=1) == "forbidden"
    assert b.refused(budi, "cluster.rename", cluster=cluster, title="X") == "forbidden"
    b.do(b.facilitator, "note.cluster", note=theirs, cluster=cluster)  # F works across groups


def test_the_plenary_merges_across_groups_into_a_plenary_cluster(b: Board) -> None:
    (ani, budi, *_), _ = three_groups(b)
    b.phase("cluster")
    roads, water = b.cluster(ani, "Jalan"), b.cluster(budi, "Air")
    b.phase("vote")  # not grouped: the plenary
    b.do(b.facilitator, "phase.set", phase="cluster")
    b.do(b.facilitator, "room.configure", grouped_phases=["issues"])
    b.do(ani, "cluster.merge", cluster=water, into=roads)
    assert b.state.clusters[roads].group is None and water not in b.state.clusters


def test_the_rapporteur_renames_and_merges_the_groups_clusters(b: Board) -> None:
    (ani, _, _, dedi, *_), (ga, *_) = three_groups(b)  # Ani and Dedi are in group A
    b.phase("cluster")
    one, two = b.cluster(ani, "Jalan"), b.cluster(dedi, "Jembatan")
    assert b.refused(b.facilitator, "group.rapporteur", group=ga, participant="u3") == "invalid"
    b.do(b.facilitator, "group.rapporteur", group=ga, participant=dedi)
    assert b.refused(ani, "cluster.rename", cluster=one, title="Konektivitas") == "forbidden"
    b.do(dedi, "cluster.rename", cluster=one, title="Konektivitas")
    b.do(dedi, "cluster.merge", cluster=two, into=one)
    assert b.refused(dedi, "program.promote", cluster=one) == "forbidden"


def test_deleting_a_group_sends_its_work_to_the_plenary(b: Board) -> None:
    (ani, *_), (ga, *_) = three_groups(b)
    b.phase("issues")
    note = b.note(ani)
    b.do(b.facilitator, "group.delete", group=ga)
    assert b.state.notes[note].group is None and ani not in b.state.membership
    assert ga not in b.state.groups


def test_participants_join_a_group_only_when_the_room_lets_them(b: Board) -> None:
    alice = b.join("Alice")
    group = b.do(b.facilitator, "group.add", name="A")["op"]["group"]
    assert b.refused(alice, "group.join", group=group) == "forbidden"
    b.do(b.facilitator, "room.configure", self_select_groups=True)
    b.do(alice, "group.join", group=group)
    assert b.state.membership[alice] == group


def test_automatic_groups_are_deterministic_and_balanced(b: Board) -> None:
    people = [b.join(f"P{n}", org) for n, org in enumerate(["A", "A", "B", "B", "C", "C", "D"])]
    event = b.do(b.facilitator, "groups.auto", count=3, by="mixed")
    made = [g["group"] for g in event["op"]["groups"]]
    assert len(made) == 3 and [b.state.groups[g].name for g in made] == [
        "Kelompok 1", "Kelompok 2", "Kelompok 3"
    ]  # fmt: skip
    sizes = sorted(list(b.state.membership.values()).count(g) for g in made)
    assert sizes == [2, 2, 3] and set(b.state.membership) == set(people)
    assert replay(b.log).membership == b.state.membership  # from the log alone
    b.do(b.facilitator, "groups.auto", count=3, by="org")
    by_org: dict[str, set[str]] = {}
    for pid, group in b.state.membership.items():
        by_org.setdefault(b.state.participants[pid].org, set()).add(group)
    assert all(len(groups) == 1 for groups in by_org.values())  # one organisation, one table
    assert len(b.state.groups) == 3  # the groups made the first time are used again


def test_the_record_names_groups_their_members_clusters_and_the_programs_origins(b: Board) -> None:
    from server.state.record import build_record

    (ani, budi, *_), (ga, gb, _) = three_groups(b)
    b.phase("issues")
    b.note(ani)
    b.phase("cluster")
    roads, water = b.cluster(ani, "Jalan"), b.cluster(budi, "Air")
    b.do(ani, "note.cluster", note=next(iter(b.state.notes)), cluster=roads)
    b.do(b.facilitator, "cluster.merge", cluster=water, into=roads)
    b.do(b.facilitator, "program.promote", cluster=roads)
    record = build_record(b.state).to_json_dict()
    groups = {g["id"]: g for g in record["groups"]}
    assert groups[ga]["members"] == [ani, "u5"] and groups[ga]["name"] == "A"
    assert groups[gb]["clusters"] == [] and record["clusters"][0]["group"] is None
    assert record["notes"][0]["group"] == ga
    assert record["programs"][0]["groups"] == [ga]


def test_in_a_grouped_phase_other_groups_boards_arrive_hidden(b: Board) -> None:
    from server.state.views import event_views, state_view

    (ani, budi, _, dedi, *_), _ = three_groups(b)  # Ani and Dedi in A, Budi in B
    b.phase("issues")
    event = b.do(ani, "note.add", text="Jalan desa rusak")
    views = event_views(event, b.state)
    assert views.for_viewer(budi, "participant")["op"] == {"kind": "hidden"}
    assert views.for_viewer(budi, "participant")["seq"] == event["seq"]
    for viewer, role in ((dedi, "participant"), (b.facilitator, "facilitator"), ("u9", "observer")):
        assert views.for_viewer(viewer, role)["op"]["text"] == "Jalan desa rusak"
    assert views.for_viewer(dedi, "participant") is views.for_viewer(ani, "participant")
    assert state_view(b.state, budi, "participant")["notes"] == {}
    assert len(state_view(b.state, dedi, "participant")["notes"]) == 1
    b.phase("cluster")
    cluster = b.do(ani, "cluster.add", title="Jalan")["op"]["cluster"]
    assert state_view(b.state, budi, "participant")["clusters"] == {}
    assert cluster in state_view(b.state, dedi, "participant")["clusters"]
    b.do(b.facilitator, "room.configure", groups_visible=True)
    assert len(state_view(b.state, budi, "participant")["notes"]) == 1  # read-only
    moved = b.do(ani, "note.move", note=next(iter(b.state.notes)), x=1, y=1)
    assert event_views(moved, b.state).for_viewer(budi, "participant")["op"]["kind"] == "note.move"


def test_the_plenary_sees_every_group_and_the_pages_reload_when_boards_change_hands(
    b: Board,
) -> None:
    from server.state.views import state_view

    (ani, budi, *_), _ = three_groups(b)
    b.phase("issues")
    b.note(ani)
    event = b.do(b.facilitator, "phase.set", phase="vote")  # the plenary
    assert event["op"]["resync"] is True
    assert len(state_view(b.state, budi, "participant")["notes"]) == 1
    assert "resync" not in b.do(b.facilitator, "timer.start", seconds=60)["op"]
    assert "resync" not in b.do(b.facilitator, "phase.set", phase="roles")["op"]  # still plenary
    assert b.do(b.facilitator, "phase.set", phase="issues")["op"]["resync"] is True
    assert len(state_view(b.state, budi, "participant")["notes"]) == 0
    moved = b.do(b.facilitator, "group.assign", participant=budi, group=None)
    assert moved["op"]["resync"] is True
    assert len(state_view(b.state, budi, "participant")["notes"]) == 0  # unassigned: plenary only
