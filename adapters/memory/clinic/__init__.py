"""The clinic's in-memory adapters: repositories, the clinician directory, unit of work."""
