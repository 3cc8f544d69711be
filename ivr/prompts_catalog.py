"""Every sentence a menu can say, for rendering prompts ahead of time.

A telephony team uploads pre-recorded prompts to the real IVR, so this lists
what the session can speak: node prompts, short prompts and help, information
messages, route announcements, confirmation questions, and the system
messages, in every language of the menu.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ivr.model import ActionKind, LangText, Menu


@dataclass(frozen=True)
class PromptText:
    """One sentence a menu may say, in one language; ``id`` is unique per language.

    A plain value of the core, so listing a menu's prompts (``ivr prompts --list``,
    coverage) needs no speech engine; ``ivr.tts.render`` turns these into audio.
    """

    id: str
    lang: str
    text: str


def iter_menu_prompts(menu: Menu) -> Iterator[PromptText]:
    for lang in menu.languages:
        yield from _node_prompts(menu, lang)
        yield from _announcements(menu, lang)
        yield from _messages(menu, lang)


def _text(prompt_id: str, lang: str, text: LangText) -> Iterator[PromptText]:
    if text and text.get(lang):
        yield PromptText(prompt_id, lang, text.get(lang))


def _node_prompts(menu: Menu, lang: str) -> Iterator[PromptText]:
    for node in menu.nodes.values():
        yield from _text(f"node.{node.id}.prompt", lang, node.prompt)
        yield from _text(f"node.{node.id}.short_prompt", lang, node.short_prompt)
        yield from _text(f"node.{node.id}.help", lang, node.help)
        for option in node.options:
            if option.action.kind is ActionKind.INFO:
                yield from _text(f"info.{option.id}", lang, option.action.message)
            if option.action.confirm:
                question = menu.messages.confirm.get(lang).format(label=option.label.get(lang))
                yield PromptText(f"confirm.{option.id}", lang, question)
    for command in menu.commands:
        if command.action.confirm:
            words = command.phrases.get(lang)
            label = words[0] if words else command.name.replace("_", " ")
            question = menu.messages.confirm.get(lang).format(label=label)
            yield PromptText(f"confirm.cmd.{command.name}", lang, question)


def _announcements(menu: Menu, lang: str) -> Iterator[PromptText]:
    for service in menu.services.values():
        template = service.announce or menu.messages.connecting
        text = template.get(lang).format(service=service.name.get(lang), number=service.display)
        yield PromptText(f"route.{service.id}", lang, text)


def _messages(menu: Menu, lang: str) -> Iterator[PromptText]:
    for name in ("no_input", "no_match", "invalid_key", "goodbye", "help", "at_top", "call_limit"):
        yield from _text(f"message.{name}", lang, getattr(menu.messages, name))
