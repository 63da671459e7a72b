"""Choice tokens: the short strings carried in callback_data (at most 64 bytes).

Every token a learner sends back is untrusted: it may be old, from another chat, or forged. Parsing
never raises; anything unknown comes back as None and the flow answers politely.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class Token:
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int = 0) -> str:
        return self.args[index] if index < len(self.args) else ""


# action -> how many arguments it takes
ACTIONS: dict[str, int] = {
    "lang": 1,  # lang:vi
    "group": 1,  # group:older-adult
    "prov": 1,  # prov:ha-noi
    "provpage": 1,  # provpage:2
    "hour": 1,  # hour:7 or hour:other
    "skip": 1,  # skip:group
    "read": 1,  # read:<lesson id>
    "ans": 2,  # ans:<question id>:<option index>
    "rev": 2,  # rev:<question id>:<option index> (a review question)
    "lesson": 0,  # open today's (or the next) lesson
    "later": 0,  # "enough for today"
    "set": 1,  # set:language (settings: change one answer)
    "done": 0,  # close settings
    "forget": 1,  # forget:yes / forget:no
    "certname": 0,  # print the chat's first name on certificates
    "retake": 1,  # retake:<lesson id> (a quiz under 60%, taken again for the certificate)
    "cafe": 2,  # cafe:<setting>:<value> (a group's café menu)
    "host": 2,  # host:pause:<café id> / host:resume:<café id> (a host's private /host)
    "report": 1,  # report:ask / report:send / report:no (a checked message, to the admins)
    "howcheck": 0,  # how to check a message oneself
    "drill": 2,  # drill:<drill id>:scam|safe
    "practice": 0,  # another drill
    "rep": 2,  # rep:scam|safe|unsure|skip:<report id> (an admin reviewing reports)
    "alr": 2,  # alr:<step or filter>:<value> (an admin composing an alert)
}


def make(action: str, *args: object) -> str:
    token = SEPARATOR.join((action, *map(str, args)))
    if len(token.encode()) > MAX_BYTES:
        raise ValueError(f"button token over {MAX_BYTES} bytes: {token!r}")
    return token


def number(arg: str, below: int) -> int | None:
    """A token's numeric argument, or None: only ASCII digits count ("²" and "٣" pass isdigit())."""
    if not (arg.isascii() and arg.isdecimal()) or len(arg) > 6:
        return None
    value = int(arg)
    return value if value < below else None


def record_id(arg: str) -> int | None:
    """A token's database id (a café, a report, an alert), or None: ASCII digits only, and short
    enough for a 64-bit column, so a forged button can neither raise nor overflow a query."""
    if not (arg.isascii() and arg.isdecimal()) or len(arg) > 18:
        return None
    return int(arg)


def parse(raw: str | None) -> Token | None:
    if not raw or len(raw.encode()) > MAX_BYTES:
        return None
    action, *args = raw.split(SEPARATOR)
    if ACTIONS.get(action) != len(args) or any(not a for a in args):
        return None
    return Token(action, tuple(args))
