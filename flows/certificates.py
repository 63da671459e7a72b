"""Certificates: a module whose every lesson's quiz was passed (60% or better, retakes allowed)
earns one, and the whole course earns a final one. Something a learner can show their family and
their ward, and that anyone can check with the code printed on it.

The first time, the bot asks how the name should be written (the chat's first name is offered).
Codes come from the turn's entropy (`Context.entropy`, drawn by the host), so this module stays
pure while the codes stay unguessable: 80 bits, in Crockford's base32 so that a code read aloud or
copied by hand survives O/0 and I/1 mix-ups.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from content.library import Library
from content.markup import escape
from flows import course
from flows.certificate_record import CertificateRecord
from flows.context import Context
from flows.effects import CertificateIssued
from flows.events import Command, Event
from flows.outcome import Outcome
from flows.replies import Certificate, Choice, Message, Reply
from flows.state import LearnerState, Step
from flows.texts import Texts
from flows.tokens import make

FINAL = "final"  # the certificate for the whole course, after every module's
CODE_LENGTH = 16  # 80 bits in base32
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
NAME_LIMIT = 60


def passed(correct: int, total: int) -> bool:
    """60% or better; a lesson without questions is passed by reading it."""
    return correct * 5 >= total * 3


def new_code(entropy: bytes, index: int) -> str:
    digest = hashlib.blake2b(entropy + index.to_bytes(2, "big"), digest_size=10).digest()
    number = int.from_bytes(digest, "big")
    return "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))


def normal_code(text: str) -> str | None:
    """A code as typed or tapped: any case, with spaces or dashes, O for 0 and I or L for 1."""
    cleaned = re.sub(r"[\s\-]", "", text).upper().translate(_READ_AS)
    if len(cleaned) != CODE_LENGTH or any(c not in _ALPHABET for c in cleaned):
        return None
    return cleaned


def code_in(event: Event) -> str | None:
    """The code a /verify command asks about ("/verify CODE" or the tappable "/verify_CODE"), or
    "" for a /verify without a usable code; None when the event is not /verify at all."""
    if not isinstance(event, Command):
        return None
    if event.name == "verify":
        return normal_code(event.args) or ""
    if event.name.startswith("verify_"):
        return normal_code(event.name.removeprefix("verify_")) or ""
    return None


def earned(state: LearnerState, library: Library) -> list[str]:
    """Modules passed in full that have no certificate yet, then the final one when due."""
    have = {module_id for module_id, _ in state.certificates}
    followed = course.modules(library, "vi", state.group)
    done = [m.id for m in followed if m.lessons and course.lesson_ids(m) <= state.passed]
    due = [module_id for module_id in done if module_id not in have]
    if FINAL not in have and len(done) == len(followed):
        due.append(FINAL)
    return due


def module_title(library: Library, language: str, module_id: str) -> str:
    """A module's or a track's title (a track kept after a change of group included)."""
    if module_id == FINAL:
        return Texts(library, language)("certificate.final_module")
    curriculum = library.curriculum(language)
    found = next((m for m in (*curriculum.modules, *curriculum.tracks.values()) if m.id == module_id), None)
    return found.title if found is not None else module_id


def date_text(t: Texts, day: date) -> str:
    month_name = t("certificate.months").split(",")[day.month - 1]
    return t("certificate.date", day=day.day, month_name=month_name, year=day.year)


def picture(library: Library, record: CertificateRecord) -> Certificate:
    """The certificate as the channels draw it, in the holder's language: the same words whether
    it is sent in chat or opened later by its link."""
    t = Texts(library, record.language)
    title = module_title(library, t.language, record.module_id)
    key = "certificate.final_caption" if record.module_id == FINAL else "certificate.caption"
    caption = t(key, name=escape(record.name), module=escape(title), code=record.code)
    return Certificate(
        code=record.code,
        name=record.name,
        title=t("certificate.title"),
        module=title,
        date_text=date_text(t, record.issued_on),
        project=t("certificate.project"),
        language=t.language,
        caption=caption,
    )


def after_lesson(state: LearnerState, ctx: Context) -> Outcome:
    """Called when a lesson ends: issue what was earned, or ask for the name the first time."""
    due = earned(state, ctx.library)
    if not due:
        return Outcome(state)
    if state.certificate_name is None:
        asking, replies = ask_name(state, ctx)
        return Outcome(asking, replies)
    return issue(state, ctx, due)


def ask_name(state: LearnerState, ctx: Context) -> tuple[LearnerState, list[Reply]]:
    t = Texts(ctx.library, state.lang)
    resume = state.resume_step if state.step == Step.CERT_NAME else state.step
    asking = state.but(step=Step.CERT_NAME, resume_step=resume)
    offered = clean_name(ctx.display_name or "")
    choices = ((Choice(t("certificate.use_name", name=offered), make("certname")),),) if offered else ()
    return asking, [Message(t("certificate.ask_name"), choices=choices)]


def clean_name(text: str) -> str | None:
    """A name as it will be printed: letters kept as typed (NFC), control characters and extra
    spaces gone; None when nothing printable is left or it is too long to print whole."""
    normal = unicodedata.normalize("NFC", text)
    visible = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in normal)
    name = " ".join(visible.split())
    if not any(c.isalpha() for c in name) or len(name) > NAME_LIMIT:
        return None
    return name


def choose_name(state: LearnerState, ctx: Context, typed: str | None) -> Outcome | None:
    """The learner typed a name, or pressed the button offering their chat name (typed None)."""
    if state.step != Step.CERT_NAME:
        return None
    t = Texts(ctx.library, state.lang)
    name = clean_name(typed if typed is not None else ctx.display_name or "")
    if name is None:
        asking, replies = ask_name(state, ctx)
        return Outcome(asking, [Message(t("certificate.name_unusable", limit=NAME_LIMIT)), *replies])
    named = state.but(step=state.resume_step, certificate_name=name)
    outcome = issue(named, ctx, earned(named, ctx.library))
    outcome.settled = True
    return outcome


def issue(state: LearnerState, ctx: Context, due: list[str]) -> Outcome:
    name = state.certificate_name or ""
    today = ctx.now.date()
    records = [
        CertificateRecord(new_code(ctx.entropy, index), module_id, name, state.lang, today)
        for index, module_id in enumerate(due)
    ]
    issued = state.but(certificates=(*state.certificates, *((r.module_id, r.code) for r in records)))
    return Outcome(
        issued,
        [picture(ctx.library, record) for record in records],
        [CertificateIssued(record) for record in records],
    )


def listed(state: LearnerState, ctx: Context) -> str:
    """The certificates earned, for /progress: one line each, with the code to check it."""
    t = Texts(ctx.library, state.lang)
    return "\n".join(
        t("progress.certificate", module=escape(module_title(ctx.library, state.lang, m)), code=c)
        for m, c in state.certificates
    )


def verify(state: LearnerState, ctx: Context, code: str) -> Outcome:
    """Anyone may check a code, started or not; nothing about them is kept for asking."""
    record = ctx.certificate if ctx.certificate is not None and ctx.certificate.code == code else None
    text = verdict(ctx.library, state.lang, code, record)
    return Outcome(state, [Message(text)], persist=state.step != Step.NEW)


def verdict(library: Library, language: str, code: str, record: CertificateRecord | None) -> str:
    """ "Valid" with the module, the holder's initials and the date, or "not valid": the same
    words in chat and on the web page `DASHBOARD_URL/verify/CODE`."""
    t = Texts(library, language)
    if not code:
        return t("verify.how")
    if record is None:
        return t("verify.invalid", code=escape(code))
    return t(
        "verify.valid",
        code=record.code,
        module=escape(module_title(library, t.language, record.module_id)),
        initials=escape(initials(record.name)),
        date=date_text(t, record.issued_on),
    )


def initials(name: str) -> str:
    """ "Nguyễn Thị Lan" -> "N. T. L.": enough to match a certificate shown in person, not enough
    to learn a stranger's name from a guessed code."""
    return " ".join(f"{word[0]}." for word in name.split() if word[0].isalpha())
