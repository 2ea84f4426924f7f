"""The clinic's SQL adapters: repositories, the clinician directory, unit of work."""
