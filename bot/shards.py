"""Which servers' timed work a process does when the bot is sharded.

Discord puts a server on shard `(guild_id >> 22) % shard_count`; a process runs some
shards and does the reminders, charges and messages of the servers on those, no others.
"""

from __future__ import annotations

from dataclasses import dataclass

DISCORD_SHARD_SHIFT = 22


@dataclass(frozen=True)
class Shards:
    count: int = 1
    ids: tuple[int, ...] = (0,)

    @property
    def every(self) -> bool:
        return set(self.ids) >= set(range(self.count))

    def owns(self, guild_id: int) -> bool:
        return (guild_id >> DISCORD_SHARD_SHIFT) % self.count in self.ids

    def sql(self, column: str = "guild_id") -> str:
        """A condition on `column` both engines accept: true for servers on these shards.

        Whole numbers only, validated at start-up, so nothing user-written reaches the SQL.
        """
        if self.every:
            return "TRUE"
        ids = ", ".join(str(int(shard)) for shard in sorted(self.ids))
        return f"(({column} >> {DISCORD_SHARD_SHIFT}) % {int(self.count)}) IN ({ids})"


# One process serving every server: the default, and always so on SQLite.
EVERY_SHARD = Shards()
