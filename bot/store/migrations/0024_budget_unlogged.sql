-- On PostgreSQL the send budget's table becomes unlogged. SQLite keeps the budget in the
-- process (bot/store/budget.py) and has no unlogged tables: nothing changes here, and
-- both engines' schemas keep the same number.
SELECT 1;
