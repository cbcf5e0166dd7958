"""The ``coproduce`` command.

coproduce demo            set up the embedded database with demo data and serve on 127.0.0.1:8000
coproduce serve           serve (production: set DATABASE_URL, REDIS_URL, SECRET_KEY first)
coproduce worker          background work: send queued e-mail, release expired holds, ... (production)
coproduce manage ARGS...  Django management commands (migrate, createsuperuser, ...)
coproduce analyse PATH    analyse a Polis export folder without the web platform
"""

from __future__ import annotations

import argparse
import os
import sys


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing


def _embedded_database() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def _refuse_public_development_key(host: str) -> bool:
    """True (with a message) when the public development key would be served beyond this machine."""
    from django.conf import settings

    if settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY or host in LOOPBACK_ADDRESSES:
        return False
    print(
        f"Refusing to serve on {host} with the development SECRET_KEY, which is public: anyone who can "
        "reach this server could forge a sign-in. Set SECRET_KEY, or serve on 127.0.0.1.",
        file=sys.stderr,
    )
    return True


def _serve(host: str, port: int, workers: int, *, background_worker: bool) -> None:
    import uvicorn

    if background_worker:
        # E-mail is sent and held places are released by background work (core.worker); here it runs
        # in a thread of this process, so the demo needs nothing else started.
        from coproduce.core import worker

        worker.start_in_process()

    uvicorn.run(
        "coproduce.asgi:application",
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        log_level=os.environ.get("UVICORN_LOG_LEVEL", "warning"),
        lifespan="off",
    )


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ["COPRODUCE_DEMO"] = "1"
    os.environ.setdefault("COPRODUCE_SITE_URL", f"http://{args.host}:{args.port}")
    _setup_django()
    if _refuse_public_development_key(args.host):
        return 2
    from django.conf import settings
    from django.core.management import call_command

    if args.reset:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(f"{db['NAME']}{suffix}")
                except FileNotFoundError:
                    pass
    call_command("migrate", interactive=False, verbosity=0)
    from coproduce.demo import ensure_demo_data, sign_in_instructions

    ensure_demo_data()
    print(sign_in_instructions(f"http://{args.host}:{args.port}"))
    sys.stdout.flush()
    _serve(args.host, args.port, 1, background_worker=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    if _refuse_public_development_key(args.host):
        return 2
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    background_worker = args.worker if args.worker is not None else _embedded_database()
    if not background_worker:
        print(
            "Background work (e-mail, releasing held places) does not run in this process: "
            "run `coproduce worker` beside it.",
            file=sys.stderr,
        )
    _serve(args.host, args.port, args.workers, background_worker=background_worker)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    rest = [
        "run_worker",
        *(["--once"] if args.once else []),
        *(["--poll", str(args.poll)] if args.poll else []),
    ]
    return cmd_manage(argparse.Namespace(rest=rest))


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coproduce manage", *args.rest])
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from coproduce.engine.report import main as analyse_main

    return analyse_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coproduce", description="Co-production in health and social care.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="start Coproduce with demo data on an embedded SQLite database")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--reset", action="store_true", help="start again from fresh demo data")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve Coproduce (ASGI: HTTP and websockets)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="ASGI worker processes (needs REDIS_URL above 1)"
    )
    serve.add_argument("--migrate", action="store_true", help="apply database migrations first")
    serve.add_argument(
        "--worker",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the background work (e-mail, ...) in this process too "
        "(default: yes on the embedded SQLite database, no otherwise: run `coproduce worker`)",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker", help="run the background work: send queued e-mail, release places held too long"
    )
    worker.add_argument("--once", action="store_true", help="one pass, then exit (e.g. from cron)")
    worker.add_argument(
        "--poll",
        type=float,
        default=None,
        help="seconds between passes (default: COPRODUCE_WORKER_POLL_SECONDS)",
    )
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    analyse = sub.add_parser("analyse", help="analyse a Polis export folder", add_help=False)
    analyse.add_argument("rest", nargs=argparse.REMAINDER)
    analyse.set_defaults(func=cmd_analyse)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
