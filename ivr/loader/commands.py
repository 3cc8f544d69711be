"""The global commands (repeat, back, main menu, help, operator), active at every node.

Only the operator command has a destination; the others act on the call
itself, so ``goto`` or ``route`` on them is refused rather than ignored.
"""

from __future__ import annotations

from ivr.fields import key_where, where_of
from ivr.loader.actions import phone_key, read_action
from ivr.loader.context import Context
from ivr.loader.keys import COMMAND_KEYS
from ivr.loader.texts import phrases
from ivr.model import COMMAND_NAMES, Action, ActionKind, Command
from ivr.yamlsrc import YMap


def read_commands(ctx: Context, root: YMap) -> tuple[Command, ...]:
    """The ``commands`` section, each command with its own key."""
    if "commands" not in root:
        return ()
    where = where_of(root, "commands", root.where)
    m = ctx.read.mapping(root["commands"], where, "commands")
    if m is None:
        return ()
    ctx.read.check_keys(m, COMMAND_NAMES, "commands")
    commands: list[Command] = []
    keys_seen: dict[str, str] = {}
    for name, body in m.items():
        if name not in COMMAND_NAMES:
            continue
        what = f"command {name!r}"
        cwhere = where_of(m, name, where)
        cm = ctx.read.mapping(body, cwhere, what)
        if cm is None:
            continue
        ctx.read.check_keys(cm, COMMAND_KEYS, what)
        key = phone_key(ctx, cm, what)
        if key is not None:
            if key in keys_seen:
                ctx.add(
                    where_of(cm, "key", cwhere),
                    f"{what} uses key {key!r}, already used by command {keys_seen[key]!r}",
                    "give each command its own key",
                )
            keys_seen[key] = name
        words = phrases(ctx, cm, "words", what)
        if key is None and not words.all():
            ctx.add(
                cwhere,
                f"{what} has neither a key nor words",
                "add key: or words: so callers can use it",
            )
        if name == "operator":
            action = read_action(ctx, cm, what, cwhere)
            if action is None:
                continue
            if action.kind not in (ActionKind.ROUTE, ActionKind.GOTO):
                continue
        else:
            extra = [k for k in ("goto", "route") if k in cm]
            if extra:
                ctx.add(
                    key_where(cm, extra[0]),
                    f"{what} cannot take {extra[0]!r}",
                    "only the operator command has a destination",
                )
            action = Action(ActionKind(name), confirm=bool(cm.get("confirm") is True))
        commands.append(Command(name, key, words, action, cwhere))
    return tuple(commands)
