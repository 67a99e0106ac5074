"""The alliance's health page: the figures apps contribute, the member sets they count by, a manager's to-do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alliance.models import Membership


# ---------------------------------------------------------------- the alliance's health page

@dataclass(frozen=True)
class HealthFigureSpec:
    key: str  # also the CSV file's name: [a-z0-9_]
    section: str  # the heading it is shown under (figures of one section stay together)
    compute: Callable[..., Any]  # compute(scope: alliance.health.HealthScope) -> alliance.health.HealthFigure
    order: int = 100


_HEALTH_FIGURES: dict[str, HealthFigureSpec] = {}


def register_health_figure(key: str, section: str, *, compute: Callable[..., Any], order: int = 100) -> None:
    if not key.replace("_", "").isalnum() or key != key.lower():
        raise ValueError(f"A health figure's key is lower-case letters, digits and underscores: {key!r}")
    _HEALTH_FIGURES[key] = HealthFigureSpec(key=key, section=section, compute=compute, order=order)


def health_figures() -> list[HealthFigureSpec]:
    return sorted(_HEALTH_FIGURES.values(), key=lambda item: (item.order, item.key))


# name -> a SELECT of one column (member ids) of the organization given as its one parameter (%s).
_MEMBER_SETS: dict[str, str] = {}


def register_member_set(name: str, *, sql: str) -> None:
    if sql.count("%s") != 1:
        raise ValueError("A member set's statement takes exactly one parameter: the organization's id.")
    _MEMBER_SETS[name] = sql


def member_set_sql(name: str) -> str:
    """The statement of the named set (one ``%s``: the organization's id); an empty set when no app
    records it."""
    return _MEMBER_SETS.get(name, "SELECT NULL::bigint WHERE %s IS NULL")


@dataclass(frozen=True)
class TodoItem:
    """One thing a manager has to do, with the page where it is done."""
    kind: str  # the to-do list's heading, e.g. "Checkpoints to hold"
    text: str
    url: str
    due: date | None = None


@dataclass(frozen=True)
class ManagerTodo:
    key: str
    items: Callable[[Membership], list[TodoItem]]  # at most a screenful each, set-based
    order: int = 100


_MANAGER_TODOS: dict[str, ManagerTodo] = {}


def register_manager_todo(key: str, *, items: Callable[[Membership], list[TodoItem]], order: int = 100) -> None:
    """A part of the manager's to-do on their team's health page and in their weekly digest."""
    _MANAGER_TODOS[key] = ManagerTodo(key=key, items=items, order=order)


def manager_todos() -> list[ManagerTodo]:
    return sorted(_MANAGER_TODOS.values(), key=lambda item: (item.order, item.key))
