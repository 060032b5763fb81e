"""docs/protocol.md is generated from the models; it must be the generator's output."""

from pathlib import Path

from server import protocol_doc
from server.state.ops import CLIENT_KINDS


def test_protocol_doc_is_up_to_date() -> None:
    committed = (Path(__file__).parent.parent / "docs" / "protocol.md").read_text()
    assert committed == protocol_doc.render(), (
        "run: python -m server.protocol_doc > docs/protocol.md"
    )


def test_every_op_kind_is_documented() -> None:
    text = protocol_doc.render()
    assert all(f"| `{kind}` |" in text for kind in CLIENT_KINDS)
