"""The clinic use cases, one module per theme."""
