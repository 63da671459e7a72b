"""The fake Bot API server: an aiohttp app the real aiogram ``Bot`` talks to.

Point aiogram at it with
``AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url))``; every
request then goes through the same pipeline Telegram applies: token, method
name, spec validation, content limits, chat access, flood limits, and finally
the method's behaviour. Failures come back in Telegram's JSON error shape and
are recorded, so a test can assert the bot made no invalid call.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.telegram.call import Call, read_call
from sandbox.telegram.checks import check_content
from sandbox.telegram.delivery import Delivery, EncodedResult
from sandbox.telegram.errors import ApiError, bad_gateway, not_found, too_many_requests, unauthorized
from sandbox.telegram.faults import Faults
from sandbox.telegram.limits import FloodLimits
from sandbox.telegram.messaging import Messaging, is_flood_counted
from sandbox.telegram.methods import MethodTable
from sandbox.telegram.records import RecordedCall, SandboxStats, SentMessage
from sandbox.telegram.spec import BotApiSpec, load_spec, locate_spec
from sandbox.telegram.state import CallbackRecord, SandboxState, commands_key
from sandbox.telegram.updates import UpdateQueue, encode
from sandbox.telegram.validation import validate_call

if TYPE_CHECKING:
    from sandbox.telegram.group_chat import FakeGroup
    from sandbox.telegram.group_people import GroupMember
    from sandbox.telegram.learner import FakeLearner

_INVALID_STATUSES = frozenset({400, 404})
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class FakeBotAPI:
    """A Telegram Bot API server on 127.0.0.1, plus the controls to play learners.

    ``spec_path=None`` locates the official spec automatically (see
    :func:`sandbox.telegram.spec.locate_spec`); ``use_spec=False`` skips it even if
    present. ``allow_unknown_chats`` lets the bot write to chat ids nobody
    opened (for broadcast benchmarks). Calls are recorded in :attr:`calls`
    unless ``record_calls=False``. ``privacy_mode`` is the bot's group privacy
    setting: on by default, as for every new bot (see ``privacy.py``).
    """

    def __init__(
        self,
        token: str = "123456:SANDBOX-TOKEN",
        *,
        spec_path: str | os.PathLike[str] | None = None,
        use_spec: bool = True,
        flood: FloodLimits | None = None,
        bot_username: str = "hocvuso_sandbox_bot",
        bot_first_name: str = "Hocvuso",
        allow_unknown_chats: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_retry_delay: float = 0.05,
        record_calls: bool = True,
        faults: Faults | None = None,
        privacy_mode: bool = True,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.record_calls = record_calls
        prefix = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        located = locate_spec(spec_path) if use_spec else None
        self.spec: BotApiSpec | None = load_spec(located) if located is not None else None
        self.stats = SandboxStats()
        self.state = SandboxState(self.bot_user, self.stats, flood or FloodLimits())
        self.state.allow_unknown_chats = allow_unknown_chats
        self.state.privacy_mode = privacy_mode
        self.state.push = self.push_update
        self.faults = faults or Faults()
        self.queue = UpdateQueue(self.stats)
        self.delivery = Delivery(self.queue, self.stats, self._execute_reply, retry_delay=webhook_retry_delay)
        self.messaging = Messaging(self.state)
        self.methods = MethodTable(self.state, self.messaging, self.delivery, self.spec)
        self._handled_lower = {name.lower(): name for name in self.methods.handled}
        self.invalid_calls: list[tuple[str, str]] = []
        self.calls: list[RecordedCall] = []
        self._learners: dict[int, FakeLearner] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- configuration ----------------------------------------------------------
    @property
    def spec_loaded(self) -> bool:
        """Whether method names and parameters are validated against the spec."""
        return self.spec is not None

    @property
    def flood(self) -> FloodLimits:
        return self.state.gate.limits

    @flood.setter
    def flood(self, limits: FloodLimits) -> None:
        """Replace the limits (and start with full buckets)."""
        self.state.set_flood_limits(limits)

    @property
    def privacy_mode(self) -> bool:
        """Whether the bot sees only commands, replies and service messages in groups."""
        return self.state.privacy_mode

    @privacy_mode.setter
    def privacy_mode(self, value: bool) -> None:
        self.state.privacy_mode = value

    @property
    def allow_unknown_chats(self) -> bool:
        return self.state.allow_unknown_chats

    @allow_unknown_chats.setter
    def allow_unknown_chats(self, value: bool) -> None:
        self.state.allow_unknown_chats = value

    # -- lifecycle ----------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        return app

    async def start(self) -> None:
        """Bind 127.0.0.1 (a free port unless one was given) and serve."""
        if self._runner is not None:
            return
        self.queue.reopen()
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1] if runner.addresses else self.port
        self.base_url = f"http://{self.host}:{port}"

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery and close the server."""
        self.queue.close()
        self.state.polls.cancel_timers()
        await self.delivery.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- request pipeline ---------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _respond_error(unauthorized())
        name = request.match_info["method"]
        try:
            call = await read_call(request, name)
        except ApiError as error:
            self._note_failure(Call(method=name), error)
            return _respond_error(error)
        counted = is_flood_counted(call.method) or call.method.startswith("editMessage")
        if self.faults.server_error():
            return _respond_error(bad_gateway())
        if counted and self.faults.in_storm():
            return _respond_error(too_many_requests(self.faults.storm_retry_after))
        try:
            result = await self.execute(call)
        except ApiError as error:
            return _respond_error(error)
        if counted and self.faults.lose_response() and request.transport is not None:
            request.transport.close()  # delivered, but the bot never hears so
            raise ConnectionResetError("response lost on purpose")
        if isinstance(result, EncodedResult):
            body = '{"ok":true,"result":' + result.json + "}"
        else:
            body = encode({"ok": True, "result": result})
        return web.Response(body=body.encode(), content_type="application/json")

    async def execute(self, call: Call) -> Any:
        """Run one call through Telegram's checks and the method; records the outcome."""
        self.stats.requests += 1
        try:
            call.method = self._canonical(call.method)
            self.stats.calls_by_method[call.method] += 1
            if self.spec is not None:
                validate_call(self.spec, self.spec.methods[call.method], call)
            content = check_content(call)
            result = await self.methods.dispatch(call, content)
        except ApiError as error:
            self._note_failure(call, error)
            raise
        if self.record_calls:
            self.calls.append(_recorded(call, None))
        return result

    def _canonical(self, name: str) -> str:
        if self.spec is not None:
            canonical = self.spec.canonical_method(name)
            if canonical is None:
                raise not_found()
            return canonical
        return self._handled_lower.get(name.lower(), name)

    def _note_failure(self, call: Call, error: ApiError) -> None:
        if error.status in _INVALID_STATUSES:
            self.stats.invalid += 1
            self.invalid_calls.append((call.method, error.description))
        elif error.status == 403:
            self.stats.forbidden += 1
        elif error.status == 429:
            self.stats.too_many_requests += 1
        if self.record_calls:
            self.calls.append(_recorded(call, error))

    async def _execute_reply(self, call: Call) -> None:
        """A method returned in a webhook response: executed, result discarded."""
        # A failure is recorded by execute(); Telegram reports it nowhere either.
        with contextlib.suppress(ApiError):
            await self.execute(call)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        file_id = self.state.file_paths.get(request.match_info["path"])
        stored = self.state.files.get(file_id) if file_id else None
        if stored is None or stored.content is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    # -- playing users ------------------------------------------------------------
    def learner(
        self,
        user_id: int,
        first_name: str = "Learner",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> FakeLearner:
        """The learner with this id (created once); their private chat id is ``user_id``."""
        from sandbox.telegram.learner import FakeLearner

        existing = self._learners.get(user_id)
        if existing is not None:
            return existing
        learner = FakeLearner(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._learners[user_id] = learner
        return learner

    def group(
        self,
        chat_id: int = -100123,
        title: str = "Group",
        *,
        kind: str = "supergroup",
        username: str | None = None,
        forum: bool = False,
        creator: int | None = None,
        with_bot: bool = True,
    ) -> FakeGroup:
        """A group chat (created once); the bot is a member unless ``with_bot=False``.

        ``kind`` is "supergroup" or "group" (a basic group, which can later be
        upgraded); ``forum=True`` makes a supergroup with topics; ``creator``
        is the user id getChatMember reports as "creator". Nobody else is an
        administrator until :meth:`FakeGroup.set_admin`.
        """
        from sandbox.telegram.group_chat import FakeGroup

        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        group = FakeGroup(
            self,
            chat_id,
            title,
            kind=kind,
            username=username,
            forum=forum,
            creator=creator,
            with_bot=with_bot,
        )
        return self._adopt_group(group)

    def _adopt_group(self, group: FakeGroup) -> FakeGroup:
        self._groups[group.chat_id] = group
        return group

    # -- deep links -----------------------------------------------------------------
    async def open_start_link(
        self, user_id: int, first_name: str = "Learner", payload: str = "", **profile: Any
    ) -> FakeLearner:
        """Someone opens ``t.me/<bot>?start=<payload>`` and taps Start: ``/start <payload>``.

        ``profile`` (last_name, username, language_code) is used if the learner is new.
        """
        learner = self.learner(user_id, first_name, **profile)
        await learner.start(payload)
        return learner

    async def add_to_group_via_link(
        self, user_id: int, group: FakeGroup | int, payload: str = "", first_name: str = "Member"
    ) -> GroupMember:
        """Someone adds the bot through ``t.me/<bot>?startgroup=<payload>``.

        The bot gets ``my_chat_member`` (-> member, from that person) and the
        ``new_chat_members`` service message, then the person's
        ``/start@<bot> <payload>`` in the group. If the bot is already there,
        only the command is sent, as the client does. Returns the person.
        """
        from sandbox.telegram.deeplinks import check_payload, start_text

        check_payload(payload)
        if isinstance(group, int):
            target = self._groups.get(group) or self.group(group, with_bot=False)
        else:
            target = group
        person = target.member(user_id, first_name)
        if target.bot_status in ("left", "kicked"):
            await target.add_bot(by_user_id=user_id)
        await person.send_text(start_text(payload, str(self.bot_user["username"])))
        return person

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update now (synchronous core of :meth:`push_raw_update`)."""
        self.state.remember_update(update)
        return self.queue.push(update)

    async def push_raw_update(self, update: dict[str, Any]) -> int:
        """Queue an arbitrary Update; ``update_id`` is kept if given, else assigned."""
        return self.push_update(update)

    def resend_last_update(self) -> int:
        """Deliver the last queued update again with the same ``update_id``."""
        return self.queue.repush_last()

    async def wait_delivered(self, timeout: float = 5.0) -> None:
        """Wait until every queued update was handed to the bot at least once."""
        if not await self.queue.wait_delivered(timeout):
            raise TimeoutError(f"{self.queue.undelivered} update(s) still undelivered after {timeout}s")

    # -- inspection ---------------------------------------------------------------
    @property
    def pending_updates(self) -> int:
        return self.queue.pending

    @property
    def webhook_url(self) -> str | None:
        sender = self.delivery.webhook
        return None if sender is None else sender.config.url

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot sent to ``chat_id``, in order (edits applied)."""
        chat = self.state.chats.get(chat_id)
        return list(chat.messages) if chat is not None else []

    def sent_texts(self, chat_id: int) -> list[str]:
        """Texts and captions (markup removed) the bot sent to ``chat_id``."""
        return [m.text for m in self.messages(chat_id) if m.text is not None]

    def duplicate_texts(self, chat_id: int) -> dict[str, int]:
        """Texts the bot sent to ``chat_id`` more than once, with their counts."""
        counts = Counter(self.sent_texts(chat_id))
        return {text: count for text, count in counts.items() if count > 1}

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls of one method (successful or not)."""
        return [call for call in self.calls if call.method == method]

    def unanswered_callbacks(self) -> list[dict[str, Any]]:
        """Callback queries sent to the bot that it never answered."""
        return [record.query for record in self.state.callbacks.values() if not record.answered]

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """The bot's answer (text, show_alert, url) to a callback query, if any."""
        record: CallbackRecord | None = self.state.callbacks.get(query_id)
        return dict(record.answer) if record is not None and record.answered else None

    def commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Commands set with setMyCommands for that scope and language."""
        return list(self.state.commands.get(commands_key(scope, language_code), []))


def _respond_error(error: ApiError) -> web.Response:
    return web.Response(
        body=encode(error.payload()).encode(),
        status=error.status,
        content_type="application/json",
    )


def _recorded(call: Call, error: ApiError | None) -> RecordedCall:
    return RecordedCall(
        method=call.method,
        params=dict(call.fields),
        files=tuple(call.files),
        error_code=0 if error is None else error.status,
        description=None if error is None else error.description,
    )
