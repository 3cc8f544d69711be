"""A display for tests: every line the live call shows, as plain strings."""

from __future__ import annotations

from dataclasses import dataclass, field

from ivr.events import Route


@dataclass
class ListDisplay:
    lines: list[str] = field(default_factory=list)

    def ivr(self, text: str) -> None:
        self.lines.append(f"IVR {text}")

    def caller(self, text: str, kind: str) -> None:
        self.lines.append(f"CALLER {text}")

    def node(self, node_id: str) -> None:
        self.lines.append(f"NODE {node_id}")

    def level(self, dbfs: float) -> None:
        self.lines.append(f"LEVEL {dbfs:.0f}")

    def partial(self, text: str) -> None:
        self.lines.append(f"PARTIAL {text}")

    def notice(self, text: str) -> None:
        self.lines.append(f"NOTICE {text}")

    def result(self, route: Route | None, reason: str | None) -> None:
        self.lines.append(f"RESULT {route.number if route else reason}")

    def draft(self, text: str) -> None:
        self.lines.append(f"DRAFT {text}")

    def waiting(self, text: str) -> None:
        self.lines.append(f"WAITING {text}")

    def hung_up(self) -> None:
        self.lines.append("HUNG UP")
