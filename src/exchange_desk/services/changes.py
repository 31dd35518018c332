"""What a use case changed: the kinds and ids of the records it created, updated and deleted.

Every service that writes returns a `Changes`; the window hands it to one `changed` signal and
each tab, the detail pane and open dialogs decide from it whether they must read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, frozenset[int]] = MappingProxyType({})


def _merged(
    first: Mapping[str, frozenset[int]], second: Mapping[str, frozenset[int]]
) -> Mapping[str, frozenset[int]]:
    out = dict(first)
    for kind, ids in second.items():
        if kind in out and (not out[kind] or not ids):
            out[kind] = frozenset()  # "every record of the kind" (`everything`) stays so
        else:
            out[kind] = out.get(kind, frozenset()) | ids
    return MappingProxyType(out)


def _frozen(
    changed: Mapping[str, Iterable[int]] | None,
) -> Mapping[str, frozenset[int]]:
    if not changed:
        return _EMPTY
    kept = {kind: frozenset(ids) for kind, ids in changed.items()}
    return MappingProxyType({kind: ids for kind, ids in kept.items() if ids})


@dataclass(frozen=True, slots=True)
class Changes:
    """Records created, updated and deleted, by kind name (`"cities"`), and whether the office
    profile or the certificate register changed. `Changes()` means nothing changed."""

    created: Mapping[str, frozenset[int]] = field(default_factory=lambda: _EMPTY)
    updated: Mapping[str, frozenset[int]] = field(default_factory=lambda: _EMPTY)
    deleted: Mapping[str, frozenset[int]] = field(default_factory=lambda: _EMPTY)
    profile: bool = False
    # Another desk's change, seen in the audit log: screens read it again, but do not move
    # the user's selection to it as they do to a record the user just saved.
    remote: bool = False

    @classmethod
    def of(
        cls,
        *,
        created: Mapping[str, Iterable[int]] | None = None,
        updated: Mapping[str, Iterable[int]] | None = None,
        deleted: Mapping[str, Iterable[int]] | None = None,
        profile: bool = False,
    ) -> Changes:
        """Changes from plain mappings of ids (sets, lists); kinds without ids are left out."""
        return cls(
            created=_frozen(created),
            updated=_frozen(updated),
            deleted=_frozen(deleted),
            profile=profile,
        )

    @classmethod
    def of_created(cls, kind: str, *ids: int) -> Changes:
        return cls(created=MappingProxyType({kind: frozenset(ids)}))

    @classmethod
    def of_updated(cls, kind: str, *ids: int) -> Changes:
        return cls(updated=MappingProxyType({kind: frozenset(ids)}))

    @classmethod
    def of_deleted(cls, kind: str, *ids: int) -> Changes:
        return cls(deleted=MappingProxyType({kind: frozenset(ids)}))

    @classmethod
    def everything(cls, kinds: Iterable[str]) -> Changes:
        """A change too broad to list (demo data loaded, an import): every kind named is
        to be read again."""
        return cls(updated=MappingProxyType({kind: frozenset() for kind in kinds}), profile=True)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            created=_merged(self.created, other.created),
            updated=_merged(self.updated, other.updated),
            deleted=_merged(self.deleted, other.deleted),
            profile=self.profile or other.profile,
            remote=self.remote and other.remote,
        )

    def undone(self) -> Changes:
        """What undoing these changes changes: what was created is deleted and what was
        deleted comes back (is created again); what was updated is updated again."""
        return Changes(
            created=self.deleted,
            updated=self.updated,
            deleted=self.created,
            profile=self.profile,
            remote=self.remote,
        )

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.profile)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.created) | frozenset(self.updated) | frozenset(self.deleted)

    def touches_any(self, kinds: Iterable[str]) -> bool:
        """Whether any of `kinds` changed (a tab that shows partnerships and cities' names)."""
        return not self.kinds.isdisjoint(kinds)

    def ids(self, kind: str) -> frozenset[int]:
        """The records of `kind` created or updated (to select the one that was saved)."""
        return self.created.get(kind, frozenset()) | self.updated.get(kind, frozenset())

    def touches(self, kind: str, record_id: int | None = None) -> bool:
        """Whether `kind` changed at all (no id), or that very record did. An `updated` entry
        with no ids (see `everything`) touches every record of its kind."""
        if record_id is None:
            return kind in self.kinds
        for changed in (self.created, self.updated, self.deleted):
            ids = changed.get(kind)
            if ids is not None and (not ids or record_id in ids):
                return True
        return False

    def as_dict(self) -> dict[str, Any]:
        """For logs and the CLI's --json: plain lists, sorted."""
        return {
            name: {kind: sorted(ids) for kind, ids in sorted(changed.items())}
            for name, changed in (
                ("created", self.created),
                ("updated", self.updated),
                ("deleted", self.deleted),
            )
        } | {"profile": self.profile}
