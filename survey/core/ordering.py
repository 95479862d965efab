"""Order things so that what each one depends on comes before it, and find circles of dependence."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def dependencies_first(
    names: Iterable[str], depends_on: Callable[[str], Iterable[str]], circle: Callable[[list[str]], None]
) -> list[str]:
    """Return the names, each after those it depends on, otherwise in their given order.

    `circle` is told of each circle found, as the path that closes it (a -> b -> a); the order
    then breaks the circle where it was found.
    """
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            circle(path[path.index(name) :] + [name])
            return
        state[name] = "active"
        for other in depends_on(name):
            visit(other, path + [name])
        state[name] = "done"
        order.append(name)

    for name in names:
        visit(name, [])
    return order
