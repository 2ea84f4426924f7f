"""The clinic: patients, clinicians' working hours, and appointments (FHIR R4's codes)."""
