"""The base of every op model, and the log entry that carries one."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]


class Op(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    # Ops whose fields are "any of": only the fields the sender gave are part of the op.
    partial: ClassVar[bool] = False
    # Kinds only the server writes to the log (a client sending one is told it is unknown).
    written_by_server: ClassVar[bool] = False

    @classmethod
    def kind_name(cls) -> str:
        """The ``kind`` this model stands for (its ``Literal``)."""
        return cls.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr,no-any-return]

    def normalised(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_unset=self.partial, by_alias=True)
        data["kind"] = self.kind  # type: ignore[attr-defined]
        return data


class Entry(BaseModel):
    """One line of a room's op log: the op and everything the reducer may depend on."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: int
    by: str
    op_id: str = ""
    op: Any  # an Op
    # The facilitator who sent the op for ``by``, a paper participant (``on_behalf``).
    via: str = ""

    def to_wire(self, op: dict[str, Any] | None = None) -> dict[str, Any]:
        wire = {
            "seq": self.seq,
            "at": self.at,
            "by": self.by,
            "op_id": self.op_id,
            "op": op if op is not None else self.op.normalised(),
        }
        if self.via:
            wire["via"] = self.via
        return wire
