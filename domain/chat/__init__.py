"""The chat: rooms, their members, and the messages posted in them."""
