"""How replies look on Zalo: plain text within 2,000 characters, cut where a reader would cut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.zalo.events import from_update
from bot.zalo.show import MAX_TEXT, ZaloPhoto, ZaloText, calls, split_text
from flows.events import Command, Text, Unsupported
from flows.replies import Choice, Media, Message, PersonalData


def test_a_long_text_is_cut_between_paragraphs():
    paragraphs = [f"Đoạn {n}. " + "chữ " * 120 for n in range(8)]
    parts = split_text("\n\n".join(paragraphs))
    assert len(parts) > 1 and all(len(part) <= MAX_TEXT for part in parts)
    assert all(part.startswith("Đoạn") for part in parts)  # every part begins a paragraph


@given(st.text(alphabet=st.sampled_from("ab \nđ"), max_size=6000))
def test_splitting_loses_no_character_and_respects_the_limit(text):
    parts = split_text(text)
    assert all(0 < len(part) <= MAX_TEXT for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())  # only the cuts' spacing goes


def test_a_message_is_plain_text_with_numbered_choices():
    message = Message("<b>Bạn là ai?</b> &amp; bạn ở đâu", choices=((Choice("Người dân", "group:citizen"),),))
    assert calls(message, None) == [ZaloText("Bạn là ai? & bạn ở đâu\n\n1. Người dân")]


def test_pictures_need_a_public_address_and_voice_is_left_out():
    photo = Media("photo", "m1/phone.jpg")
    assert calls(photo, None) == []
    assert calls(photo, "https://cdn.example.vn/media/") == [
        ZaloPhoto("https://cdn.example.vn/media/m1/phone.jpg")
    ]
    assert calls(Media("voice", "m1/a.ogg"), "https://cdn.example.vn") == []


def test_personal_data_is_sent_as_text_in_parts():
    document = ('{"answers": [' + ", ".join(['"x"'] * 1500) + "]}").encode()
    parts = calls(PersonalData("Đây là dữ liệu của bạn."), None, document)
    assert parts[0] == ZaloText("Đây là dữ liệu của bạn.") and len(parts) >= 3
    assert all(isinstance(p, ZaloText) and len(p.text) <= MAX_TEXT for p in parts)


def _update(event_name: str, **message: object) -> dict[str, object]:
    chat = {"id": "a1b2", "chat_type": "PRIVATE"}
    return {"event_name": event_name, "message": {"message_id": "ff01", "date": 1, "chat": chat, **message}}


def test_updates_become_events():
    assert from_update(_update("message.text.received", text="/lesson@bot x")).event == Command("lesson", "x")
    assert from_update(_update("message.text.received", text="bài học")).event == Text("bài học")
    assert from_update(_update("message.sticker.received", sticker="s")).event == Unsupported("sticker")
    assert from_update(_update("message.image.received", photo_url="u")).event == Unsupported("photo")
    assert from_update(_update("message.unsupported.received")).event == Unsupported("other")
    incoming = from_update(_update("message.text.received", text="hi"))
    assert incoming is not None and (incoming.chat_id, incoming.message_id) == ("a1b2", "ff01")


def test_what_is_not_a_learner_writing_alone_is_ignored():
    group = _update("message.text.received", text="hi")
    group["message"]["chat"] = {"id": "g1", "chat_type": "GROUP"}  # type: ignore[index]
    assert from_update(group) is None
    for junk in (None, [], {"message": "x"}, {"message": {"chat": "x"}}, {"event_name": "x"}):
        assert from_update(junk) is None
