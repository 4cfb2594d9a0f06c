"""Upgrading a database written by an earlier Tandem: nothing lost, everything re-shaped."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import discord

from bot.models import MilestoneAsk
from bot.store import Store
from bot.store.sqlite import split_statements
from tests.helpers import Server, add, goal, only_milestone, pair

UPGRADED = datetime(2026, 1, 1, tzinfo=UTC)


def schema_3_database(path: Path) -> None:
    """A database as the previous release left it: migrations 1 to 3, with data."""
    folder = resources.files("bot.store") / "migrations"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY)")
    for version, name in (
        (1, "0001_pairing.sql"),
        (2, "0002_checkins.sql"),
        (3, "0003_ledger.sql"),
    ):
        for statement in split_statements((folder / name).read_text(encoding="utf-8")):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (?)", (version,))
    conn.executescript(
        """
        INSERT INTO guild_settings VALUES (1, 10, 11, 'points', 100);
        INSERT INTO profiles VALUES (1, 100, 'Europe/Berlin');
        INSERT INTO courses VALUES (1, 'ａｒｔ', 'Ａｒｔ');
        INSERT INTO queue_entries VALUES (1, 300, 'ａｒｔ', 10, 'UTC', 0, 600, 5, 0);
        INSERT INTO partnerships (id, guild_id, course_key, thread_id, timezone, weekday, minute,
            created_at, next_checkin_at, alarm_at) VALUES (7, 1, 'ａｒｔ', 99, 'UTC', 0, 600, 1, 2, 3);
        INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id)
            VALUES (7, 1, 'ａｒｔ', 200), (7, 1, 'ａｒｔ', 100);
        INSERT INTO notices (partnership_id, kind, episode, member_id, status, attempts,
            attempted_at) VALUES (7, 'checkin', 1000, 0, 'attempted', 2, 900),
            (7, 'heads_up', 1000, 0, 'sent', 1, 800);
        INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed, next_goal,
            message_id, created_at) VALUES (7, 1, 100, 1000, 'done', 'more', 555, 950);
        INSERT INTO invitations (id, guild_id, inviter_id, invitee_id, course_key, timezone,
            weekday, minute, status, created_at) VALUES
            (1, 1, 100, 300, 'ａｒｔ', 'UTC', 0, 600, 'pending', 1),
            (2, 1, 100, 300, 'ａｒｔ', 'UTC', 0, 600, 'pending', 2);
        INSERT INTO goals VALUES (1, 1, 7, 100, 'Draw', 'A sketchbook', 'active', 1);
        INSERT INTO milestones (id, goal_id, partnership_id, guild_id, owner_id, title, due_date,
            deadline_at, stake, created_at) VALUES (1, 1, 7, 1, 100, 'Hands', '2026-01-02', 5, 0, 1);
        INSERT INTO milestone_requests (milestone_id, kind, status, created_at)
            VALUES (1, 'done', 'rejected', 2);
        """
    )
    conn.commit()
    conn.close()


async def test_a_schema_3_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_3_database(path)
    store = await Store.open(path, UPGRADED)
    try:
        rows = await store.db.fetch_all(
            "SELECT key, status, attempts, message_id FROM outbox ORDER BY key"
        )
        assert [tuple(r) for r in rows] == [
            ("answers:7:1000:100", "sent", 0, 555),  # a second answer edits message 555
            ("checkin:7:1000:0", "attempted", 2, None),  # looked for before it is sent again
            ("heads_up:7:1000:0", "sent", 1, None),
        ]
        assert await store.profiles.zone_of(1, 100) == "Europe/Berlin"
        seats = await store.db.fetch_all(
            "SELECT user_id, seat FROM partnership_members WHERE partnership_id = 7 ORDER BY seat"
        )
        assert [tuple(r) for r in seats] == [(200, 0), (100, 1)]  # the order they joined in
        statuses = await store.db.fetch_all("SELECT id, status FROM invitations ORDER BY id")
        assert [tuple(r) for r in statuses] == [(1, "void"), (2, "pending")]  # one waits
        # Course names compare after normalisation now: full-width letters are re-keyed.
        for table in (
            "courses",
            "queue_entries",
            "partnerships",
            "partnership_members",
            "invitations",
        ):
            keys = await store.db.fetch_all(f"SELECT DISTINCT course_key FROM {table}")
            assert [r[0] for r in keys] == ["art"], table
        assert await store.queue.queued_courses(1, 300) == ["Ａｒｔ"]
        request = await store.milestones.milestone_request(1)
        assert request is not None and request.status == "declined"
        assert await store.db.migrate(UPGRADED) == []  # applied once
    finally:
        await store.close()


async def test_buttons_posted_by_the_previous_version_still_answer(ready: Server) -> None:
    """Requests posted before the one answer button kept their own custom ids."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=4.0, due="2026-01-20")
    milestone = await only_milestone(ready, alice)
    asked = await ready.bot.store.milestones.request(milestone, MilestoneAsk.DONE, ready.env.now())
    thread = ready.bot.get_channel(partnership.thread_id)
    assert isinstance(thread, discord.Thread)
    legacy = discord.ui.View(timeout=None)
    legacy.add_item(
        discord.ui.Button(label="Confirm", custom_id=f"tandem:ms:{asked.value}:confirm")
    )
    posted = await thread.send("An old request", view=legacy)  # as the old version posted it
    await bob.click(posted, label="Confirm")
    confirmed = await ready.bot.store.milestones.milestone(milestone.id)
    assert confirmed is not None and confirmed.status == "confirmed"
