"""What the clinic routes may reach: the clinic container's use cases, and nothing else."""

from __future__ import annotations

from entrypoints.containers.clinic import ClinicContainer
from entrypoints.http.deps import context_use_cases

clinic_use_cases = context_use_cases("clinic", ClinicContainer)
