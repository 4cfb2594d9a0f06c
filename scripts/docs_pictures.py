"""Take the pictures in docs/ from the real bot, so they show what members really see.

A study server is played through in SimCord (pairing, a check-in, a milestone confirmed),
then SimCord's preview serves a Discord-like page of the partner thread and Debian's
`chromium --headless` takes its screenshot at a phone's width; the progress card and the
weekly recap are the PNGs the bot posts in the same play. Run by
`scripts/docs-pictures`; nothing here is part of the bot or its tests.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import simcord
from PIL import Image, ImageDraw

from bot.app import create_bot
from bot.settings import Settings
from tests.helpers import (
    MONDAY,
    ROOT,
    Channel,
    Member,
    Server,
    add,
    advance_to,
    answer,
    check_in,
    find,
    goal,
    messages_with,
    study_server,
)

PHONE = (420, 1560)  # Discord on a phone: pictures and messages ~400 px wide
# Discord's default avatars, which the preview cannot fetch offline: drawn here instead.
DEFAULT_AVATAR = "https://cdn.discordapp.com/embed/avatars/{}.png"
AVATAR_COLOURS = ("#5865F2", "#757E8A", "#3BA55C", "#FAA61A", "#ED4245", "#EB459E")


def default_avatars() -> dict[str, tuple[str, bytes]]:
    """Each default avatar as a plain disc of its colour, for the preview's assets."""
    assets = {}
    for index, colour in enumerate(AVATAR_COLOURS):
        picture = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
        ImageDraw.Draw(picture).ellipse((0, 0, 63, 63), fill=colour)
        png = io.BytesIO()
        picture.save(png, format="PNG")
        assets[DEFAULT_AVATAR.format(index)] = (f"{index}.png", png.getvalue())
    return assets


async def play(server: Server) -> tuple[Channel, Member]:
    """Lena and Marcus pair up, check in on Monday, and Marcus confirms Lena's milestone."""
    await server.moderator.slash(
        server.general,
        "setup",
        leaderboard_channel=server.leaderboard,
        partner_channel=server.partners,
    )
    lena, marcus = server.member("Lena"), server.member("Marcus")
    await find(server, lena, checkin_day=MONDAY, checkin_time="19:00")
    await find(server, marcus, timezone="America/New_York", checkin_time="13:00")
    [partnership] = await server.bot.store.partnerships.active_partnerships(
        server.guild.id, lena.id
    )
    thread = server.thread(partnership.thread_id)
    await add(
        server,
        lena,
        await goal(server, lena, "Pass the course"),
        title="Module 3 quiz",
        due="2026-01-09",
    )
    await advance_to(server, datetime(2026, 1, 5, 18, 0, tzinfo=UTC))
    await check_in(server, lena, completed="Modules 1 and 2", next_goal="The Module 3 quiz")
    await check_in(server, marcus, completed="Chapter 2 notes", blockers="Recursion")
    [milestone] = await server.bot.store.milestones.milestones_of(
        server.guild.id, lena.id, open_only=True
    )
    await lena.slash(server.general, "milestone done", milestone=str(milestone.id))
    await marcus.click(messages_with(thread, "Module 3 quiz")[-1], label="Confirm")
    return thread, lena


async def screenshot(url: str, destination: Path) -> None:
    """Chromium's own headless screenshot of the preview page, at a phone's size."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium is not installed: `apt-get install chromium` (Debian)")
    with tempfile.TemporaryDirectory() as profile:
        process = await asyncio.create_subprocess_exec(
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            f"--window-size={PHONE[0]},{PHONE[1]}",
            f"--screenshot={destination}",
            url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        status = await process.wait()
    if status != 0:
        sys.exit(f"chromium took no screenshot of {destination.name}")


def save(name: str, png: bytes) -> None:
    (ROOT / "docs" / name).write_bytes(png)
    print(f"docs/{name}")


async def pictures(server: Server, lena: Member) -> None:
    """Lena's `/progress` card as she sees it, then Sunday's weekly recap."""
    card = await lena.slash(server.general, "progress")
    [attachment] = answer(card).attachments
    save("progress-card.png", await attachment.read())
    await advance_to(server, datetime(2026, 1, 11, 18, 5, tzinfo=UTC))
    [recap] = [m for m in server.leaderboard.history() if m.attachments]
    save("weekly-recap.png", await recap.attachments[0].read())


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            database_path=Path(folder) / "tandem.db",
            database_url=None,
            discord_token=None,
        )
        bot = create_bot(settings)
        async with simcord.run(bot, settle_timeout=30, shard_count=1) as env:
            server = study_server(env, "Study Hall")
            thread, lena = await play(server)
            preview = env.preview(
                thread,
                viewers=[lena],
                layout="channel",
                display="fixed",
                width=PHONE[0],
                height=PHONE[1],
                timezone="Europe/Berlin",
                assets=default_avatars(),
            )
            async with preview:
                await screenshot(preview.url, ROOT / "docs" / "partner-thread.png")
            print("docs/partner-thread.png")
            await pictures(server, lena)
        await bot.store.close()


if __name__ == "__main__":
    asyncio.run(main())
