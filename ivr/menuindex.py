"""Per-language phrase indexes of a menu, built once and shared by sessions.

Building the indexes costs far more than matching against them, so a
benchmark or a test runner making thousands of calls builds them once.
"""

from __future__ import annotations

from collections.abc import Sequence

from ivr.defaults import NO_WORDS, YES_WORDS
from ivr.matcher import PhraseIndex
from ivr.model import ActionKind, Menu, Option
from ivr.refs import Ref
from ivr.textnorm import NUMBER_WORDS
from ivr.understand.cues import cue_words
from ivr.understand.policy import Understanding
from ivr.understand.ranker import LexicalRanker, Ranker
from ivr.understand.respell import Known, Respeller, words_in
from ivr.understand.targets import menu_targets


class MenuIndex:
    """``rankers`` judge described needs before the built-in lexical ranker (which
    covers every language): a front end passes an embedding ranker from ``ivr.nlu``."""

    def __init__(
        self, menu: Menu, rankers: Sequence[Ranker] = (), known: Known | None = None
    ) -> None:
        self.menu = menu
        self._rankers = tuple(rankers)
        self._known = known
        self._respeller: Respeller | None = None
        self._understanding: Understanding | None = None
        self._local: dict[tuple[str, str], PhraseIndex] = {}
        self._tree: dict[str, PhraseIndex] = {}
        self._yes_no: dict[str, PhraseIndex] = {}
        self.options: dict[str, Option] = {
            o.id: o for node in menu.nodes.values() for o in node.options
        }
        self.shortcut_numbers: dict[str, str] = {
            menu.services[sid].number: sid for sid in menu.shortcuts
        }
        self.service_numbers: dict[str, str] = {
            s.number: s.id for s in menu.services.values() if s.number and not s.templated
        }
        self._emergency: list[Option] | None = None
        self._emergency_ids: frozenset[str] | None = None
        self._grammars: dict[tuple[str, str, bool], tuple[str, ...]] = {}

    def local(self, node_id: str, lang: str) -> PhraseIndex:
        """This node's options plus the global commands, filed under their refs' text."""
        key = (node_id, lang)
        if key not in self._local:
            node = self.menu.nodes[node_id]
            entries = [(o.id, p) for o in node.options for p in o.heard(lang)]
            entries += [
                (str(Ref.cmd(c.name)), p) for c in self.menu.commands for p in c.phrases.get(lang)
            ]
            self._local[key] = PhraseIndex(entries, lang)
        return self._local[key]

    def respell(self, text: str, lang: str) -> str:
        """``text`` with its typing slips mended against the menu's words (unchanged
        without a dictionary, ``known``: see ``ivr.understand.respell``)."""
        if self._known is None:
            return text
        if self._respeller is None:
            self._respeller = Respeller(self._vocabulary(), self._known)
        return self._respeller(text, lang)

    def _vocabulary(self) -> dict[str, set[str]]:
        """Every word the menu knows, per language: what its options, commands and
        described needs say, the answers to a question, and the policy's cue words."""
        found: dict[str, set[str]] = {}
        for lang in self.menu.languages:
            texts = [p for o in self.options.values() for p in o.heard(lang)]
            texts += [p for c in self.menu.commands for p in c.phrases.get(lang)]
            texts += [
                t for target in self.understanding.targets.values() for t in target.texts_in(lang)
            ]
            texts += [*YES_WORDS.get(lang, ()), *NO_WORDS.get(lang, ())]
            found[lang] = {w for text in texts for w in words_in(text)}
            found[lang] |= cue_words(lang)
        return found

    @property
    def understanding(self) -> Understanding:
        """What judges a need described in the caller's own words (built on first use)."""
        if self._understanding is None:
            targets = menu_targets(self.menu)
            lexical = LexicalRanker(targets, self.menu.languages)
            self._understanding = Understanding(targets, [*self._rankers, lexical], lexical)
        return self._understanding

    def tree(self, lang: str) -> PhraseIndex:
        """Every option of the menu, for a caller describing a need at the top."""
        if lang not in self._tree:
            entries = [(o.id, p) for o in self.options.values() for p in o.heard(lang)]
            self._tree[lang] = PhraseIndex(entries, lang)
        return self._tree[lang]

    def yes_no(self, lang: str) -> PhraseIndex:
        if lang not in self._yes_no:
            entries = [("yes", w) for w in YES_WORDS.get(lang, YES_WORDS["en"])]
            entries += [("no", w) for w in NO_WORDS.get(lang, NO_WORDS["en"])]
            self._yes_no[lang] = PhraseIndex(entries, lang)
        return self._yes_no[lang]

    def grammar(self, node_id: str, lang: str, tree: bool) -> tuple[str, ...]:
        """Phrases a recogniser should listen for at this node (built once: every
        ``Listen`` carries it)."""
        key = (node_id, lang, tree)
        if key not in self._grammars:
            self._grammars[key] = self._build_grammar(node_id, lang, tree)
        return self._grammars[key]

    def _build_grammar(self, node_id: str, lang: str, tree: bool) -> tuple[str, ...]:
        node = self.menu.nodes[node_id]
        phrases = [p for o in node.options for p in o.heard(lang)]
        phrases += [p for c in self.menu.commands for p in c.phrases.get(lang)]
        others = self.options.values() if tree else self.emergency_options()
        phrases += [p for o in others for p in o.heard(lang)]
        phrases += [w for w in NUMBER_WORDS.get(lang, ()) if w]
        return tuple(dict.fromkeys(phrases))

    def emergency_options(self) -> list[Option]:
        """Options that route to an emergency shortcut: heard at every node.

        A caller who says "chest pain" deep in an information menu must still
        reach the ambulance, just as keying 113 there would.
        """
        if self._emergency is None:
            numbers = set(self.menu.shortcuts)
            self._emergency = [
                o
                for o in self.options.values()
                if o.action.kind is ActionKind.ROUTE and o.action.target in numbers
            ]
        return self._emergency

    def is_emergency(self, option_id: str) -> bool:
        if self._emergency_ids is None:
            self._emergency_ids = frozenset(o.id for o in self.emergency_options())
        return option_id in self._emergency_ids
