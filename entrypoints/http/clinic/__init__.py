"""The clinic's HTTP edge: patients, working hours and availability, appointments."""
