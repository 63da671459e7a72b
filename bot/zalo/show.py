"""Flow replies as Zalo messages: plain text with numbered choices (flows.text_form), at most
2,000 characters a message, split on paragraph boundaries; pictures by public URL."""

from __future__ import annotations

from dataclasses import dataclass

from flows.replies import Answered, Certificate, Media, Message, PersonalData, Reply
from flows.text_form import text_form, verdict_form

MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class ZaloText:
    text: str


@dataclass(frozen=True, slots=True)
class ZaloPhoto:
    url: str
    caption: str | None = None


ZaloCall = ZaloText | ZaloPhoto


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit` characters, cut between paragraphs, else between lines, else
    between words, and only as a last resort inside a word."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", " "):
        cut = text.rfind(separator, 0, limit + 1)
        if cut > 0:
            return [text[:cut].rstrip(), *split_text(text[cut + len(separator) :], limit)]
    return [text[:limit], *split_text(text[limit:], limit)]


def calls(reply: Reply, media_base_url: str | None, personal_data: bytes | None = None) -> list[ZaloCall]:
    match reply:
        case Message():
            return [ZaloText(part) for part in split_text(text_form(reply))]
        case Media(kind="photo") if media_base_url and not reply.path.startswith("tg:"):
            return [ZaloPhoto(f"{media_base_url.rstrip('/')}/{reply.path.lstrip('/')}")]
        case Media():
            return []  # no public address for the file (or a voice note, which Zalo cannot send)
        case Certificate():
            caption = text_form(Message(reply.caption))
            if media_base_url:  # hocvuso's web server draws it at this address (bot/web)
                return [ZaloPhoto(f"{media_base_url.rstrip('/')}/{certificate_path(reply.code)}", caption)]
            return [ZaloText(caption)]
        case PersonalData() if personal_data is not None:
            # Zalo has no files: the caption, then the document itself as text in parts.
            document = personal_data.decode("utf-8", "replace")
            return [ZaloText(reply.caption), *(ZaloText(part) for part in split_text(document))]
    return []


def certificate_path(code: str) -> str:
    """Where a certificate's picture is found under MEDIA_BASE_URL."""
    return f"certificates/{code}.png"


def answered_calls(answered: Answered) -> list[ZaloCall]:
    """Zalo cannot edit: the verdict is a new message under the question."""
    return [ZaloText(part) for part in split_text(verdict_form(answered))]
