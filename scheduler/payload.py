"""Flow replies as JSON for the outbox, and back: what a worker in another process must send."""

from __future__ import annotations

from typing import Any

from flows.replies import Button, Media, Message, Reply


def to_payload(replies: list[Reply]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for reply in replies:
        if isinstance(reply, Message):
            item: dict[str, Any] = {"type": "message", "text": reply.text}
            if reply.buttons:
                item["buttons"] = [[[b.label, b.token] for b in row] for row in reply.buttons]
            if reply.keyboard:
                item["keyboard"] = [list(row) for row in reply.keyboard]
            if reply.remove_keyboard:
                item["remove_keyboard"] = True
            items.append(item)
        elif isinstance(reply, Media):
            items.append({"type": "media", "kind": reply.kind, "path": reply.path})
    return items


def from_payload(items: list[dict[str, Any]]) -> list[Reply]:
    replies: list[Reply] = []
    for item in items:
        if item.get("type") == "media":
            replies.append(Media(str(item["kind"]), str(item["path"])))
            continue
        buttons = tuple(
            tuple(Button(str(label), str(token)) for label, token in row) for row in item.get("buttons", ())
        )
        keyboard = tuple(tuple(map(str, row)) for row in item["keyboard"]) if item.get("keyboard") else None
        replies.append(Message(str(item["text"]), buttons, keyboard, bool(item.get("remove_keyboard"))))
    return replies
