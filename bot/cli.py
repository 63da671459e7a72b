"""`hocvuso`: run the bot, try it in the terminal, manage the database, check the content."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys

from bot import admin_cli, operator_cli
from bot.logs import setup_logging
from bot.settings import SettingsError, load_settings
from content.library import ContentError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hocvuso", description="Digital literacy lessons on Telegram and Zalo."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the bot (the terminal chat when BOT_TOKEN is not set)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of long polling")
    run.add_argument(
        "--role",
        choices=("all", "bot", "scheduler", "delivery", "web"),
        default="all",
        help="which part to run in this process (default: all of them, and the web server when "
        "DASHBOARD_LISTEN is set)",
    )
    chat = commands.add_parser("chat", help="try the bot in this terminal, no Telegram account needed")
    chat.add_argument(
        "--database",
        metavar="URL",
        help="keep the pretend learner here instead of the terminal chat's own ./data/chat.db",
    )
    chat.add_argument(
        "--channel",
        choices=("telegram", "zalo"),
        default="telegram",
        help="show the bot as it looks on this channel (default: telegram)",
    )
    db = commands.add_parser("db", help="database schema")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="migrate to the latest schema"
    )
    content = commands.add_parser("content", help="curriculum files")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser("check", help="list every problem with its file and line")
    stats = content_commands.add_parser("stats", help="lessons, questions, tips and drills per language")
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")
    export = content_commands.add_parser(
        "export", help="write every Vietnamese text as a PO file to translate into another language"
    )
    export.add_argument("--language", required=True, metavar="CODE", help="the target language, e.g. hmn")
    export.add_argument("--output", metavar="FILE", help="where to write the PO file (default: print it)")
    import_po = content_commands.add_parser(
        "import", help="turn a translated PO file into content files, if they pass the check"
    )
    import_po.add_argument("file", metavar="FILE", help="the PO file; its Language header names the language")
    operator_cli.add_commands(commands)
    admin_cli.add_commands(commands)
    return parser


def _content(args: argparse.Namespace) -> int:
    from content.check import check
    from content.stats import counts, table

    if args.content_command in ("export", "import"):
        return _translation(args)
    loaded, problems = check()
    if args.content_command == "check":
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problems" if problems else "content is clean: 0 problems")
        return 1 if problems else 0
    stats = counts(loaded.curricula)
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else table(stats))
    return 0


def _translation(args: argparse.Namespace) -> int:
    """The PO round trip for translators (see docs/curriculum.md, "Translating into another language")."""
    from pathlib import Path

    from content.translations.export import ExportError, build_catalog, write
    from content.translations.import_po import SHOWN_NOTES, import_po

    if args.content_command == "export":
        try:
            catalog = build_catalog(args.language)
        except ExportError as error:
            print(f"hocvuso: {error}", file=sys.stderr)
            return 2
        if args.output:
            with Path(args.output).open("wb") as handle:
                write(catalog, handle)
            done = sum(1 for message in catalog if message.id and message.string and not message.fuzzy)
            print(f"{len(catalog)} entries, {done} translated already: {args.output}", file=sys.stderr)
        else:
            write(catalog, sys.stdout.buffer)
        return 0
    result = import_po(Path(args.file))
    for note in result.notes[:SHOWN_NOTES]:
        print(note)
    if len(result.notes) > SHOWN_NOTES:
        print(f"... and {len(result.notes) - SHOWN_NOTES} more notes")
    skipped = ", ".join(f"{count} {why}" for why, count in result.skipped.items())
    if result.problems:
        for problem in result.problems:
            print(problem)
        count = f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}"
        print(f"{count}: content/ is unchanged; fix the PO file and import it again")
        return 1
    print(f"{result.language}: {result.imported} translations imported into {len(result.files)} files")
    if skipped:
        print(f"skipped (learners read Vietnamese there): {skipped}")
    return 0


def _roles(role: str, web: bool) -> set[str]:
    from bot.app import ROLES

    if role != "all":
        return {role}
    return {*ROLES, "web"} if web else set(ROLES)


async def _run(webhook: bool, role: str) -> None:
    from bot.app import build_app, run_roles

    settings = load_settings()
    if not settings.tokens and not settings.zalo_tokens and not webhook and role == "all":
        from bot.terminal_chat import chat

        await chat(settings)
        return
    app = await build_app(settings)
    # SIGTERM (a deploy, systemd, a container stop) ends the roles the way Ctrl-C does: workers
    # finish and record the batch in hand instead of leaving it to be sent again after the lease.
    running = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        if running is not None:
            loop.add_signal_handler(signum, running.cancel)
    try:
        await run_roles(app, _roles(role, settings.dashboard_listen is not None), webhook=webhook)
    except asyncio.CancelledError:
        logging.getLogger("hocvuso").info("stopped")
    finally:
        await app.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging(
        logging.WARNING
        if args.command in ("content", "chat", "db", "alert", "capacity", "admin", "audit")
        else logging.INFO
    )
    try:
        if args.command == "content":
            return _content(args)
        if args.command == "db":
            from bot.bootstrap import upgrade_database

            upgrade_database(load_settings())
            print("database schema is up to date")
            return 0
        if args.command in ("alert", "capacity"):
            return operator_cli.run(args)
        if args.command in ("admin", "audit"):
            return admin_cli.run(args)
        if args.command == "chat":
            from bot.terminal_chat import CHAT_DATABASE, chat

            asyncio.run(
                chat(load_settings(), database_url=args.database or CHAT_DATABASE, channel=args.channel)
            )
            return 0
        asyncio.run(_run(args.webhook, args.role))
        return 0
    except (SettingsError, ContentError) as error:
        print(f"hocvuso: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
