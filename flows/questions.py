"""The onboarding questions, one a message with large buttons. Settings asks the same ones."""

from __future__ import annotations

from content.markup import escape
from flows import tokens
from flows.context import Context
from flows.replies import Choice, Message
from flows.state import LearnerState, Step
from flows.texts import Texts

PROVINCES_PER_PAGE = 8
COMMON_HOURS = (6, 7, 8, 12, 19, 20)


def ask(state: LearnerState, ctx: Context) -> Message:
    """The question for the learner's current step."""
    t = Texts(ctx.library, state.lang)
    match state.step:
        case Step.LANGUAGE:
            return ask_language(ctx)
        case Step.GROUP:
            return _ask_group(t, ctx)
        case Step.PROVINCE:
            return ask_province(t, ctx, state.province_page)
        case Step.HOUR:
            return _ask_hour(t)
        case _:
            return Message(t("hour.type"), choices=((_skip(t, Step.HOUR),),))


def _skip(t: Texts, step: Step) -> Choice:
    return Choice(t("button.skip"), tokens.make("skip", step.value))


def ask_language(ctx: Context) -> Message:
    library = ctx.library
    prompt = "\n".join(library.ui[lang]["language.ask"] for lang in library.languages[::-1])
    buttons = tuple(
        (Choice(library.ui[lang]["language.name"], tokens.make("lang", lang)),)
        for lang in library.languages[::-1]
    )
    return Message(prompt, choices=buttons)


def _ask_group(t: Texts, ctx: Context) -> Message:
    rows = tuple(
        (Choice(group.name(t.language), tokens.make("group", group.id)),) for group in ctx.library.groups
    )
    return Message(t("group.ask"), choices=(*rows, (_skip(t, Step.GROUP),)))


def province_pages(ctx: Context) -> int:
    return -(-len(ctx.library.provinces) // PROVINCES_PER_PAGE)


def ask_province(t: Texts, ctx: Context, page: int) -> Message:
    pages = province_pages(ctx)
    page = min(max(page, 0), pages - 1)
    shown = ctx.library.provinces[page * PROVINCES_PER_PAGE : (page + 1) * PROVINCES_PER_PAGE]
    buttons = [Choice(p.name(t.language), tokens.make("prov", p.id)) for p in shown]
    rows: list[tuple[Choice, ...]] = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    paging = []
    if page > 0:
        paging.append(Choice(t("button.previous"), tokens.make("provpage", page - 1)))
    if page < pages - 1:
        paging.append(Choice(t("button.more"), tokens.make("provpage", page + 1)))
    if paging:
        rows.append(tuple(paging))
    rows.append((_skip(t, Step.PROVINCE),))
    text = t("province.ask", page=page + 1, pages=pages)
    return Message(text, choices=tuple(rows))


def province_choices(t: Texts, ctx: Context, query: str) -> Message:
    """Several provinces matched what the learner typed: let them pick one."""
    found = ctx.library.find_provinces(query)[:PROVINCES_PER_PAGE]
    rows = tuple((Choice(p.name(t.language), tokens.make("prov", p.id)),) for p in found)
    return Message(
        t("province.several", query=escape(query[:40])),
        choices=(*rows, (Choice(t("button.all_provinces"), tokens.make("provpage", 0)),)),
    )


def _ask_hour(t: Texts) -> Message:
    hours = [Choice(t("hour.label", hour=h), tokens.make("hour", h)) for h in COMMON_HOURS]
    rows = tuple(tuple(hours[i : i + 3]) for i in range(0, len(hours), 3))
    last = (Choice(t("button.other_hour"), tokens.make("hour", "other")), _skip(t, Step.HOUR))
    return Message(t("hour.ask"), choices=(*rows, last))
