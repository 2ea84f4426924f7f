"""What operators observe: the metrics adapters."""
