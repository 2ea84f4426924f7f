"""The chat use cases."""
