"""Builds the bot: cogs, store, command tree and the global error handler."""

from __future__ import annotations

from time import perf_counter
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.log import get
from bot.metrics import MeasuredScheduler, Metrics, MetricsServer, Outcome, Probes
from bot.models import GuildConfig
from bot.replies import NEEDS_SETUP, report_error, send_ephemeral
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.store import Store
from bot.store.monitoring import MonitoringStore
from bot.translator import CatalogTranslator

if TYPE_CHECKING:
    from cogs.common.outbox import Outbox

log = get("app")

EXTENSIONS = (
    "cogs.common",  # the shared outbox and request buttons, before any feature
    "cogs.setup",
    "cogs.pairing",
    "cogs.checkins",
    "cogs.ledger",
    "cogs.leaderboard",
    "cogs.progress",
    "cogs.privacy",
    "cogs.help",
    "cogs.scheduler",  # last: its outbox job delivers what the other jobs queued
)
# A member's own data is theirs to see or delete whether or not a moderator set Tandem up.
COMMANDS_WITHOUT_SETUP = frozenset({"setup", "privacy", "help"})
# Commands that answer in the member's language without storing it: seeing or erasing
# one's data never stores anything new.
COMMANDS_THAT_STORE_NOTHING = frozenset({"privacy", "help"})
# Where `speak_to` notes in `interaction.extras` when Tandem began to answer.
STARTED = "tandem.started"
# Where the command tree's check keeps the server's settings it read (`checked_settings`).
SETTINGS = "tandem.settings"


class TandemTree(app_commands.CommandTree["TandemBot"]):
    async def interaction_check(self, interaction: discord.Interaction[TandemBot]) -> bool:
        """Answer in the member's language; until a moderator has run /setup, every other
        command only says so. A failure here (the database down) is told and counted like
        a command's own; discord.py would only log it, and the member would wait in vain."""
        try:
            return await self._admits(interaction)
        except Exception as error:
            if interaction.type is not discord.InteractionType.application_command:
                raise  # an autocomplete: nobody to tell
            await self.on_error(interaction, error)
            return False

    async def _admits(self, interaction: discord.Interaction[TandemBot]) -> bool:
        command = interaction.command
        root = (
            (command.root_parent or command).name
            if isinstance(command, app_commands.Command)
            else ""
        )
        await interaction.client.speak_to(
            interaction, remember=root not in COMMANDS_THAT_STORE_NOTHING
        )
        if interaction.type is not discord.InteractionType.application_command:
            return True
        if not isinstance(command, app_commands.Command) or interaction.guild_id is None:
            return True
        if root in COMMANDS_WITHOUT_SETUP:
            return True
        settings = await interaction.client.store.guilds.get(interaction.guild_id)
        if settings is not None:
            interaction.extras[SETTINGS] = settings
            return True
        await send_ephemeral(interaction, i18n._(NEEDS_SETUP))
        interaction.client.answered(interaction, command.qualified_name, Outcome.REFUSED)
        return False

    async def on_error(
        self, interaction: discord.Interaction[TandemBot], error: BaseException
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "unknown command"
        outcome = await report_error(interaction, error, f"/{name}")
        interaction.client.answered(interaction, name, outcome)


def checked_settings(interaction: discord.Interaction[Any]) -> GuildConfig | None:
    """The server's settings as the command tree's check read them a moment ago, for a
    command that needs them too (one read per interaction); None outside a command."""
    settings = interaction.extras.get(SETTINGS)
    return settings if isinstance(settings, GuildConfig) else None


def intents_for(settings: Settings) -> discord.Intents:
    """No privileged intent by default; the members intent only when the operator enabled it."""
    intents = discord.Intents.default()
    intents.members = settings.members_intent
    return intents


# A process running some shards of a shared database looks for due work at least this
# often (seconds), for the moments another process overlaps it (see `bot.scheduler`).
SHARED_LOOK = 15 * 60


def _shard_ids(settings: Settings) -> dict[str, Any]:
    """`shard_ids` only when set: discord.py takes a list, never None."""
    return {} if settings.shard_ids is None else {"shard_ids": list(settings.shard_ids)}


class TandemBot(commands.AutoShardedBot):
    """The running bot; cogs reach the store, the outbox, the scheduler and the settings.

    The outbox is the shared Discord layer's (`cogs.common` sets it when loaded).
    """

    store: Store
    outbox: Outbox
    scheduler: Scheduler

    def __init__(self, settings: Settings) -> None:
        # Tandem never joins a voice channel (voice rooms only read who is in them), so
        # discord.py's warning that voice would need PyNaCl and davey is noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        self.metrics = Metrics()
        # Serving while TANDEM_METRICS_PORT is set, from `setup_hook` to `close`.
        self.metrics_server: MetricsServer | None = None
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(settings),
            # The members intent only serves departures (raw events): never download the
            # member lists of large servers at start-up.
            chunk_guilds_at_startup=False,
            tree_cls=TandemTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            proxy=settings.proxy,
            # A rate limit longer than this raises instead of sleeping inside a claimed
            # send (the outbox retries it later); Tandem's own pacing keeps them rare.
            max_ratelimit_timeout=30.0,
            # Unset: every shard Discord recommends, in this one process.
            shard_count=settings.shard_count,
            **_shard_ids(settings),
        )
        self.settings = settings

    async def setup_hook(self) -> None:
        self.store = await Store.open(
            self.settings.database, discord.utils.utcnow(), self.settings.shards
        )
        self.store.db.time_transactions(self.metrics.db_transaction_seconds.observe)
        await self._serve_metrics()
        self.scheduler = MeasuredScheduler(
            self.metrics.scheduler_lag,
            lambda: self.store.db.revision,
            longest_sleep=SHARED_LOOK
            if self.store.db.shared and not self.settings.shards.every
            else None,
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.tree.set_translator(CatalogTranslator())
        await self._sync_commands()

    async def _serve_metrics(self) -> None:
        """/healthz, /readyz and /metrics when the operator set TANDEM_METRICS_PORT."""
        port = self.settings.metrics_port
        if port is None:
            return
        self.metrics_server = MetricsServer(
            self.metrics,
            Probes(
                not_connected=self.not_connected,
                shards_connected=self.connected_shards,
                store=MonitoringStore(self.store.db, self.settings.shards),
                now=discord.utils.utcnow,
            ),
        )
        await self.metrics_server.start(self.settings.metrics_host, port)

    def not_connected(self) -> str | None:
        """Why /readyz says 503 on Discord's side; None while every shard here is connected."""
        if self.is_closed():
            return "shutting down"
        if not self.is_ready():
            return "not connected to Discord yet"
        down = [str(shard_id) for shard_id, shard in self.shards.items() if shard.is_closed()]
        if down:
            return f"disconnected from Discord on shard {', '.join(down)}"
        return None

    def connected_shards(self) -> int:
        return sum(not shard.is_closed() for shard in self.shards.values())

    async def on_ready(self) -> None:
        """The line an operator looks for once every shard is connected: who, and where."""
        count = len(self.guilds)
        log.info("ready as %s in %d server%s", self.user, count, "" if count == 1 else "s")

    async def speak_to(self, interaction: discord.Interaction[Any], *, remember: bool) -> None:
        """Draw what answers this interaction in its member's Discord language, and (when
        `remember`) keep that language: their partner thread speaks the one both use.

        Called first by every entry point (the command tree, buttons, forms); the language
        holds for the rest of the handler's task.
        """
        interaction.extras.setdefault(STARTED, perf_counter())
        locale = interaction.locale.value
        i18n.use(locale)
        if remember:
            await self.store.languages.remember(interaction.user.id, locale)

    def answered(self, interaction: discord.Interaction[Any], name: str, outcome: Outcome) -> None:
        """Count the interaction under `name` (`partner find`, `button invite`), timed from
        `speak_to`."""
        started = interaction.extras.get(STARTED, perf_counter())
        self.metrics.answered(name, outcome, perf_counter() - started)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[Any],
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        """discord.py's event for a slash command that ran to its end without an error."""
        self.answered(interaction, command.qualified_name, Outcome.OK)

    async def _sync_commands(self) -> None:
        guild_id = self.settings.dev_guild_id
        if guild_id is None:
            synced = await self.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        log.info("synced %d commands%s", len(synced), f" to guild {guild_id}" if guild_id else "")

    async def close(self) -> None:
        await super().close()
        if self.metrics_server is not None:
            await self.metrics_server.stop()
        if hasattr(self, "store"):
            await self.store.close()


def create_bot(settings: Settings) -> TandemBot:
    return TandemBot(settings)
