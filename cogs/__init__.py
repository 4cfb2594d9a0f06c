"""Discord adapters: each cog parses interactions, calls the store and domain, renders replies."""
