"""The chat's HTTP edge: rooms, members, messages and tickets, and the browser page."""
