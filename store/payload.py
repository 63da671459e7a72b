"""Flow replies as JSON for the outbox, and back: what a worker in another process must send.
Channel-neutral, like the replies: the row is rendered for its channel when it goes out."""

from __future__ import annotations

from typing import Any

from flows.replies import Choice, Media, Message, Poll, Reply


def to_payload(replies: list[Reply]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for reply in replies:
        if isinstance(reply, Message):
            item: dict[str, Any] = {"type": "message", "text": reply.text}
            if reply.choices:
                item["choices"] = [[_cell(c) for c in row] for row in reply.choices]
            if reply.shortcuts:
                item["shortcuts"] = [list(row) for row in reply.shortcuts]
            if reply.clear_shortcuts:
                item["clear_shortcuts"] = True
            items.append(item)
        elif isinstance(reply, Media):
            items.append({"type": "media", "kind": reply.kind, "path": reply.path})
        elif isinstance(reply, Poll):
            items.append(
                {
                    "type": "poll", "question": reply.question, "options": list(reply.options),
                    "correct_place": reply.correct_place, "explanation": reply.explanation,
                    "open_seconds": reply.open_seconds, "question_id": reply.question_id,
                    "order": list(reply.order),
                }
            )  # fmt: skip
    return items


def _cell(choice: Choice) -> list[str]:
    return (
        [choice.label, choice.token, choice.key, choice.url]
        if choice.url
        else [choice.label, choice.token, choice.key]
    )


def _choice(item: list[Any]) -> Choice:
    label, token, *rest = item
    key = str(rest[0]) if rest else ""
    return Choice(str(label), str(token), key, str(rest[1]) if len(rest) > 1 else "")


def _poll(item: dict[str, Any]) -> Poll:
    return Poll(
        question=str(item["question"]),
        options=tuple(map(str, item["options"])),
        correct_place=int(item["correct_place"]),
        explanation=str(item.get("explanation", "")),
        open_seconds=int(item.get("open_seconds", 0)),
        question_id=str(item.get("question_id", "")),
        order=tuple(int(i) for i in item.get("order", ())),
    )


def from_payload(items: list[dict[str, Any]]) -> list[Reply]:
    """Rows written before choices had keys (`buttons`, `keyboard`) read the same way."""
    replies: list[Reply] = []
    for item in items:
        if item.get("type") == "media":
            replies.append(Media(str(item["kind"]), str(item["path"])))
            continue
        if item.get("type") == "poll":
            replies.append(_poll(item))
            continue
        rows = item.get("choices") or item.get("buttons") or ()
        choices = tuple(tuple(_choice(cell) for cell in row) for row in rows)
        raw_shortcuts = item.get("shortcuts") or item.get("keyboard")
        shortcuts = tuple(tuple(map(str, row)) for row in raw_shortcuts) if raw_shortcuts else None
        clear = bool(item.get("clear_shortcuts") or item.get("remove_keyboard"))
        replies.append(Message(str(item["text"]), choices, shortcuts, clear))
    return replies
