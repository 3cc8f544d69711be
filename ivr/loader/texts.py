"""Reading what is said and heard, in each of the menu's languages.

A prompt is one text when the menu has one language and a mapping from
language to text otherwise; words are a list, or a mapping from language to
list. Every language of the menu must be covered, so no caller ever meets a
prompt that is silent in their language.
"""

from __future__ import annotations

from ivr.fields import describe, key_where, where_of
from ivr.loader.context import Context
from ivr.loader.speed import clean_words
from ivr.model import EMPTY_TEXT, LangText, Phrases
from ivr.yamlsrc import YMap, YSeq


def lang_text(ctx: Context, m: YMap, key: str, what: str, required: bool = False) -> LangText:
    """A prompt: plain text (every language the same) or a mapping lang -> text."""
    if key not in m:
        if required:
            ctx.add(m.where, f"{what} is missing {key!r}", f"add {key}: ...")
        return EMPTY_TEXT
    langs = ctx.langs
    value = m[key]
    if isinstance(value, str) and value.strip():
        if len(langs) > 1:
            ctx.add(
                where_of(m, key, m.where),
                f"{what} {key!r} has one text but the menu has languages {', '.join(langs)}",
                "give one text per language, e.g. {en: ..., nb: ...}",
            )
        return LangText(((langs[0], value.strip()),), langs[0])
    where = where_of(m, key, m.where)
    if isinstance(value, YMap):
        texts: list[tuple[str, str]] = []
        for lang, item in value.items():
            if lang not in langs:
                ctx.add(
                    key_where(value, lang),
                    f"{what} {key!r} has text in {lang!r}, "
                    "which is not one of the menu's languages",
                    f"languages: {', '.join(langs)}",
                )
            elif not isinstance(item, str) or not item.strip():
                ctx.add(
                    where_of(value, lang, where),
                    f"{what} {key!r} in {lang!r} must be text, not {describe(item)}",
                    "write the text, quoted if it has a colon",
                )
            else:
                texts.append((lang, item.strip()))
        missing = [lang for lang in langs if lang not in value]
        if missing:
            ctx.add(
                where,
                f"{what} {key!r} has no text in {', '.join(missing)}",
                f"add {missing[0]}: ...",
            )
        return LangText(tuple(texts), langs[0])
    ctx.add(
        where,
        f"{what} {key!r} must be text or a mapping of language to text, not {describe(value)}",
        "e.g. prompt: {en: Hello, nb: Hei}",
    )
    return EMPTY_TEXT


def phrases(ctx: Context, m: YMap, key: str, what: str) -> Phrases:
    """Words a caller may say: a list, or a mapping lang -> list when there are languages."""
    if key not in m:
        return Phrases()
    langs = ctx.langs
    value = m[key]
    if len(langs) == 1 and isinstance(value, YSeq):
        words = clean_words(value)
        if words is not None:
            return Phrases(((langs[0], words),))
    where = where_of(m, key, m.where)
    if isinstance(value, YMap):
        out: list[tuple[str, tuple[str, ...]]] = []
        for lang, items in value.items():
            if lang not in langs:
                ctx.add(
                    key_where(value, lang),
                    f"{what} words in {lang!r}, which is not one of the menu's languages",
                    f"languages: {', '.join(langs)}",
                )
                continue
            words = clean_words(items) if isinstance(items, YSeq) else None
            if words is None:
                words = tuple(
                    ctx.read.string_list(items, where_of(value, lang, where), f"{what} words")
                )
            out.append((lang, words))
        missing = [lang for lang in langs if lang not in value]
        if missing:
            ctx.add(
                where, f"{what} has no words in {', '.join(missing)}", f"add {missing[0]}: [...]"
            )
        return Phrases(tuple(out))
    if len(langs) > 1:
        ctx.add(
            where,
            f"{what} words must be given per language ({', '.join(langs)})",
            "e.g. words: {en: [fire], nb: [brann]}",
        )
    return Phrases(((langs[0], tuple(ctx.read.string_list(value, where, f"{what} words"))),))
