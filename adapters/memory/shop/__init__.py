"""The shop's in-memory adapters: repositories, unit of work, payments stand-in."""
