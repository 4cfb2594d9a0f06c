"""The one exception type whose message is meant for the member who caused it."""


class UserError(Exception):
    """Bad input or a request that the rules forbid; shown to the member as is."""
