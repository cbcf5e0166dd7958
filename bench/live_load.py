"""Load test of a live workshop on the real stack: PostgreSQL, Redis and two ASGI worker processes.

    .venv/bin/python bench/live_load.py                 # 200 participants, 60 s of voting
    .venv/bin/python bench/live_load.py --seconds 20    # shorter

It creates a fresh PostgreSQL database, starts two `coproduce serve` processes on loopback ports
sharing Redis, has every simulated participant join over HTTP (the real join form) and connect a
websocket (alternating between the two workers), then runs a session: the facilitator starts it and
moves to the statements phase, participants vote and write statements for the given time (each
waits 2-5 s between actions, like a person reading a statement), the facilitator pauses and resumes
once in the middle, and finally moves on to the map.

It prints:
- vote acknowledgement latency p50 / p95 / p99 (send -> "ack" on the same websocket);
- phase change: time from the facilitator's control message to each of the participants receiving
  the new state (p50 / p95 / max over all of them and every change);
- map: time from a vote's acknowledgement to a map broadcast, on a room screen connected to the
  *other* worker, that was computed from a database read made after that vote was stored;
- votes sent, acknowledged and stored in the database (they must be equal).
Targets: ack p95 < 100 ms, phase change p95 < 300 ms, map within 2 s, stored = sent.
The benchmark client runs on the same machine as the servers and competes with them for its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATEMENT_ID = re.compile(r'data-statement-id="(\d+)"')

SEED_STATEMENTS = [
    "Discharge letters should be written in plain English.",
    "Carers should be told before the day someone goes home.",
    "A named person should phone the day after discharge.",
    "Medication changes need explaining face to face.",
    "People should be able to go home as soon as they are medically fit.",
    "Nobody should be discharged late at night.",
    "Transport home should be arranged before the day of discharge.",
    "Community teams should meet people before they leave hospital.",
    "Waiting for a care package in hospital makes people worse.",
    "Families should be part of the discharge meeting.",
    "Discharge should wait until the home is ready.",
    "Peer supporters should be offered to everyone going home.",
    "Staff need more time to plan each discharge.",
    "Written information should come in Easy Read as well.",
    "People should have a say in when they leave.",
    "A follow-up visit within a week should be standard.",
    "Carers' own needs should be assessed before discharge.",
    "Digital discharge summaries should be shared with the person.",
    "Pharmacy delays are the main reason people wait.",
    "The ward should check that heating and food are in place at home.",
]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x == x else "n/a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children, e.g. a worker's map helper.

    Reads /proc, so Linux only.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        children = []
    return total + sum(process_cpu_seconds(int(child)) for child in children)


# --- the stack ------------------------------------------------------------------------------------


def reset_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "coproduce.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def set_up_session(n_statements: int):
    """Create a project, a facilitator, a workshop and its live session through the apps' actions."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from coproduce.deliberation.actions import do_add_seed_statement
    from coproduce.events.models import Event
    from coproduce.live.actions import do_create_live_session
    from coproduce.partnerships.models import Membership, Project
    from coproduce.people.models import Person

    facilitator = Person.objects.create_user(email="bench-facilitator@example.org", badge_name="Robin")
    project = Project.objects.create(
        title="Benchmark project", purpose="Load test.", status=Project.Status.ACTIVE
    )
    Membership.objects.create(project=project, person=facilitator, role=Membership.Role.FACILITATOR)
    start = timezone.now()
    event = Event.objects.create(
        project=project, title="Benchmark workshop", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    session = do_create_live_session(
        event, title="Benchmark workshop", format_key="common_ground", acting_user=facilitator
    )
    for text in SEED_STATEMENTS[:n_statements]:
        do_add_seed_statement(session, text=text, acting_user=facilitator)
    store = SessionStore()
    store["_auth_user_id"] = str(facilitator.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = facilitator.get_session_auth_hash()
    store.save()
    return session, store.session_key


def join_over_http(base_url: str, code: str, badge_name: str) -> str:
    """Join through the real join form; returns the session cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/live/join/?code={code}", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "code": code, "badge_name": badge_name}
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/live/join/", data=data, headers={"Referer": f"{base_url}/live/join/"}
    )
    opener.open(request, timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"joining as {badge_name} failed")
    return cookies["sessionid"]


# --- simulated people -----------------------------------------------------------------------------


class Client:
    def __init__(self, name: str, url: str, cookie: str, view: str = "participant"):
        self.name, self.url, self.cookie, self.view = name, url, cookie, view
        self.ws = None
        self.pending: dict[int, tuple[float, asyncio.Future]] = {}
        self.next_ref = 1
        self.statement: int | None = None
        self.panel_event = asyncio.Event()
        self.state_waiters: list[tuple[callable, asyncio.Future]] = []
        self.maps: list[tuple[float, float, int]] = []  # (arrival, read_at, votes)
        self.voted: set[int] = set()

    async def connect(self, session_id: int, origin: str) -> None:
        import websockets

        self.ws = await websockets.connect(
            f"{self.url}/ws/live/{session_id}/?as={self.view}",
            open_timeout=60,
            max_size=2**22,
            additional_headers={"Cookie": f"sessionid={self.cookie}", "Origin": origin},
            ping_interval=None,
        )
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for raw in self.ws:
            now = time.perf_counter()
            message = json.loads(raw)
            kind = message["type"]
            if kind == "ack":
                sent, future = self.pending.pop(message.get("ref"), (None, None))
                if future is not None and not future.done():
                    future.set_result((now - sent, message))
            elif kind == "panel":
                found = STATEMENT_ID.search(message["html"])
                self.statement = int(found.group(1)) if found else None
                self.panel_event.set()
            elif kind == "state":
                for predicate, future in list(self.state_waiters):
                    if not future.done() and predicate(message):
                        future.set_result(now)
                        self.state_waiters.remove((predicate, future))
            elif kind == "notice":
                if self.view == "participant" and self.statement is None:
                    await self.send({"type": "sync"})
            elif kind == "map":
                self.maps.append((time.time(), message.get("read_at") or 0.0, message.get("votes") or 0))

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def request(self, message: dict) -> asyncio.Future:
        ref = self.next_ref
        self.next_ref += 1
        message["ref"] = ref
        future = asyncio.get_running_loop().create_future()
        self.pending[ref] = (time.perf_counter(), future)
        await self.send(message)
        return future

    def expect_state(self, predicate) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.state_waiters.append((predicate, future))
        return future


async def phase_change(
    control: Client,
    participants: list[Client],
    action: str,
    predicate,
    samples: list[float],
    events: list | None = None,
):
    waits = [p.expect_state(predicate) for p in participants]
    sent = time.perf_counter()
    latency, ack = await asyncio.wait_for(await control.request({"type": "control", "action": action}), 30)
    if not ack["ok"]:
        raise SystemExit(f"{action} failed: {ack['message']}")
    arrivals = await asyncio.wait_for(asyncio.gather(*waits), 60)
    delays = [a - sent for a in arrivals]
    samples.extend(delays)
    if events is not None:
        events.append((action, latency, percentile(delays, 50), max(delays)))


async def participate(client: Client, until: float, rng: random.Random, stats: dict, write_at: float | None):
    wrote = False
    await client.send({"type": "sync"})
    while time.perf_counter() < until:
        await asyncio.sleep(rng.uniform(stats["think_min"], stats["think_max"]))
        if time.perf_counter() >= until:
            break
        if write_at is not None and not wrote and time.perf_counter() >= write_at:
            wrote = True
            text = f"{client.name} thinks discharge needs idea number {rng.randint(1, 10**9)}."
            future = await client.request({"type": "statement", "text": text})
            stats["statements_sent"] += 1
            _, ack = await asyncio.wait_for(future, 30)
            stats["statements_ok"] += ack["ok"]
            continue
        if client.statement is None or client.statement in client.voted:
            # Nothing new to vote on (or a panel drawn just before our last vote): ask for the current one.
            client.panel_event.clear()
            await client.send({"type": "sync"})
            continue
        statement = client.statement
        client.panel_event.clear()
        future = await client.request(
            {
                "type": "vote",
                "statement": statement,
                "value": rng.choice(["agree", "agree", "disagree", "pass"]),
            }
        )
        stats["votes_sent"] += 1
        latency, ack = await asyncio.wait_for(future, 60)
        stats["ack_latencies"].append(latency)
        if ack["ok"]:
            stats["votes_ok"] += 1
            stats["acked_at"].append(time.time())
            client.voted.add(statement)
        else:
            stats["votes_refused"] += 1
            stats["refusals"].add(ack["message"])
        try:
            await asyncio.wait_for(client.panel_event.wait(), 30)
        except TimeoutError:
            stats["panel_timeouts"] += 1


async def run(
    args, session_id: int, code: str, facilitator_cookie: str, urls: list[str], pids: list[int]
) -> dict:
    names = [f"P{i:03d}" for i in range(args.participants)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        cookies = list(pool.map(lambda ix: join_over_http(urls[ix[0] % 2], code, ix[1]), enumerate(names)))
    join_seconds = time.perf_counter() - started
    participants = [
        Client(name, urls[i % 2].replace("http", "ws"), cookie)
        for i, (name, cookie) in enumerate(zip(names, cookies, strict=True))
    ]
    control = Client("facilitator", urls[0].replace("http", "ws"), facilitator_cookie, "control")
    screen = Client("screen", urls[1].replace("http", "ws"), facilitator_cookie, "screen")
    for i, client in enumerate([control, screen, *participants]):
        await client.connect(session_id, urls[i % 2])
        if i % 20 == 0:
            await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)

    phase_samples: list[float] = []
    timer_samples: list[float] = []
    events: list = []
    await phase_change(
        control, participants, "start", lambda m: m.get("status") == "live", phase_samples, events
    )
    await asyncio.sleep(1.0)
    await phase_change(
        control,
        participants,
        "advance",
        lambda m: (m.get("phase") or {}).get("activity") == "statements",
        phase_samples,
        events,
    )
    await asyncio.sleep(1.0)

    stats = {
        "votes_sent": 0,
        "votes_ok": 0,
        "votes_refused": 0,
        "ack_latencies": [],
        "acked_at": [],
        "statements_sent": 0,
        "statements_ok": 0,
        "refusals": set(),
        "panel_timeouts": 0,
        "think_min": args.think_min,
        "think_max": args.think_max,
    }
    cpu_before = sum(process_cpu_seconds(pid) for pid in pids)
    client_before = time.process_time()
    begin = time.perf_counter()
    until = begin + args.seconds
    rng = random.Random(1)
    writers = set(rng.sample(range(len(participants)), k=len(participants) // 5))
    tasks = [
        asyncio.create_task(
            participate(
                client,
                until,
                random.Random(i),
                stats,
                begin + rng.uniform(0, args.seconds * 0.8) if i in writers else None,
            )
        )
        for i, client in enumerate(participants)
    ]

    await asyncio.sleep(args.seconds / 2)
    await phase_change(
        control, participants, "pause", lambda m: m.get("running") is False, timer_samples, events
    )
    await phase_change(
        control, participants, "resume", lambda m: m.get("running") is True, timer_samples, events
    )
    await asyncio.gather(*tasks)
    voting_seconds = time.perf_counter() - begin
    server_cpu = sum(process_cpu_seconds(pid) for pid in pids) - cpu_before
    client_cpu = time.process_time() - client_before
    await asyncio.sleep(3.0)  # let the last map broadcast arrive
    await phase_change(
        control,
        participants,
        "advance",
        lambda m: (m.get("phase") or {}).get("activity") == "common_ground",
        phase_samples,
        events,
    )

    # Map: for each acknowledged vote, the first screen map computed from a read after it.
    maps = sorted(screen.maps, key=lambda m: m[1])
    reads = [m[1] for m in maps]
    map_latencies, unseen = [], 0
    for acked in stats["acked_at"]:
        index = bisect_left(reads, acked)
        arrivals = [m[0] for m in maps[index:]]
        if arrivals:
            map_latencies.append(min(arrivals) - acked)
        else:
            unseen += 1
    for client in [control, screen, *participants]:
        await client.ws.close()
    return {
        "stats": stats,
        "phase": phase_samples,
        "timer": timer_samples,
        "map": map_latencies,
        "map_unseen": unseen,
        "maps": len(maps),
        "join_seconds": join_seconds,
        "voting_seconds": voting_seconds,
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
        "events": events,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--statements", type=int, default=20, help="statements seeded by the facilitator")
    parser.add_argument("--think-min", type=float, default=2.0)
    parser.add_argument("--think-max", type=float, default=5.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "COPRODUCE_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coproduce_bench_live"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("COPRODUCE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    )
    args = parser.parse_args()

    import redis

    reset_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    data_dir = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        {
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "COPRODUCE_DATA_DIR": str(data_dir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_CONN_MAX_AGE": "300",
            "PYTHONPATH": str(ROOT / "src"),
            # a loopback development stack on a shared database: say so, with a key made for this run
            "COPRODUCE_PRODUCTION": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        }
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "coproduce.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    session, facilitator_cookie = set_up_session(args.statements)

    ports = [free_port(), free_port()]
    logs = [data_dir / f"worker-{p}.log" for p in ports]
    servers = [start_server(p, env, log) for p, log in zip(ports, logs, strict=True)]
    load_before = os.getloadavg()
    try:
        for port, server, log in zip(ports, servers, logs, strict=True):
            wait_for(port, server, log)
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        result = asyncio.run(
            run(
                args,
                session.pk,
                session.join_code,
                facilitator_cookie,
                urls,
                [server.pid for server in servers],
            )
        )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    load_after = os.getloadavg()

    from coproduce.deliberation.models import Statement, Vote

    stored_votes = Vote.objects.filter(session=session).count()
    stored_statements = Statement.objects.filter(session=session, is_seed=False).count()
    stats = result["stats"]
    acks, phase, timer, map_l = stats["ack_latencies"], result["phase"], result["timer"], result["map"]
    print(
        f"Live session load: {args.participants} participants on 2 ASGI workers (PostgreSQL + Redis), "
        f"{result['voting_seconds']:.0f} s of voting, think time {args.think_min}-{args.think_max} s"
    )
    print(
        f"  machine: {os.cpu_count()} cores; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        "(shared with the benchmark client and anything else running)"
    )
    print(f"  joined over HTTP in {result['join_seconds']:.1f} s")
    print(
        f"  vote acknowledgement: p50 {ms(percentile(acks, 50))}, p95 {ms(percentile(acks, 95))}, "
        f"p99 {ms(percentile(acks, 99))}, max {ms(max(acks) if acks else float('nan'))}"
        "   (target p95 < 100 ms)"
    )
    print(
        f"  phase change reaching all {args.participants}: p50 {ms(percentile(phase, 50))}, "
        f"p95 {ms(percentile(phase, 95))}, max {ms(max(phase))} over {len(phase)} deliveries"
        "   (target p95 < 300 ms)"
    )
    print(f"  pause/resume reaching all: p50 {ms(percentile(timer, 50))}, p95 {ms(percentile(timer, 95))}")
    print(
        "  each change (control acknowledged / median / last page): "
        + "; ".join(
            f"{action} {ms(ack)} / {ms(mid)} / {ms(last)}" for action, ack, mid, last in result["events"]
        )
    )
    print(
        f"  vote shown on the live map (screen on the other worker): p50 {ms(percentile(map_l, 50))}, "
        f"p95 {ms(percentile(map_l, 95))}, max {ms(max(map_l) if map_l else float('nan'))}; "
        f"{result['maps']} map updates, {result['map_unseen']} votes not yet shown   (target within 2 s)"
    )
    print(
        f"  votes sent {stats['votes_sent']}, acknowledged {stats['votes_ok']}, "
        f"refused {stats['votes_refused']}, "
        f"stored {stored_votes}   -> {'stored = sent' if stored_votes == stats['votes_sent'] else 'MISMATCH'}"
        " (each simulated person votes at most once per statement, so every vote sent is one row)"
    )
    print(
        f"  statements sent {stats['statements_sent']}, accepted {stats['statements_ok']}, "
        f"stored {stored_statements}"
    )
    server_cpu, client_cpu = result["server_cpu"], result["client_cpu"]
    print(
        f"  throughput: {stats['votes_sent'] / result['voting_seconds']:.1f} votes/s; "
        "while voting the two workers "
        f"(with their map helpers) used {server_cpu:.1f} CPU s "
        f"({1000 * server_cpu / max(stats['votes_sent'], 1):.1f} ms per vote, "
        f"map and statements included), the benchmark client {client_cpu:.1f} CPU s"
    )
    if stats["refusals"]:
        print(f"  refusal messages: {sorted(stats['refusals'])}")
    if stats["panel_timeouts"]:
        print(f"  next-statement panels that did not arrive within 30 s: {stats['panel_timeouts']}")
    return 0 if stored_votes == stats["votes_sent"] else 1


if __name__ == "__main__":
    sys.exit(main())
