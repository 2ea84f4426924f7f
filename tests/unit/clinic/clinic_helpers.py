"""The clinic's use cases wired to the in-memory adapters, for the unit tests: each call
gets its own unit of work, as in the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dependency_injector import providers

from adapters.memory.clinic.uow import InMemoryClinicUnitOfWork
from adapters.memory.store import MemoryStore
from application.clinic.dto import (
    AppointmentView,
    BookAppointmentCommand,
    CreatePatientCommand,
    PatientView,
    SetWorkingHoursCommand,
    WorkingHoursView,
)
from application.shared.actor import Actor
from domain.clinic.patients import Gender
from domain.shared.roles import Role
from entrypoints.containers.clinic import ClinicContainer
from tests.support.clock import ManualClock
from tests.unit.conftest import Accounts

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2 March 2026, 07:00 in Berlin (UTC+1 until 29 March).
MONDAY_6_UTC = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
ADMIN = Actor("admin-id", Role.ADMIN, "admin-session")
NINE_TO_FIVE = time(9), time(17)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def clinic_container(store: MemoryStore, clock: ManualClock) -> ClinicContainer:
    """The clinic context's container on the memory store, as the app will mount it."""
    return ClinicContainer(
        uow=providers.Factory(InMemoryClinicUnitOfWork, store),
        clock=providers.Object(clock),
    )


@dataclass
class Clinic:
    store: MemoryStore
    clock: ManualClock
    accounts: Accounts
    use_cases: ClinicContainer = field(init=False)

    def __post_init__(self) -> None:
        self.use_cases = clinic_container(self.store, self.clock)

    def table(self, name: str) -> dict[Any, Any]:
        return self.store.of("clinic").table(name)

    async def user(self, name: str, role: Role = Role.USER) -> Actor:
        """A user registered through the accounts context, as an Actor."""
        view = await self.accounts.register(name, role=role)
        return Actor(view.id, role, f"{name}-session")

    async def clinician(self, name: str = "dr-house", hours: bool = True) -> Actor:
        """A clinician; with `hours`, working 09:00-17:00 Berlin time Monday to Friday."""
        actor = await self.user(name, Role.CLINICIAN)
        if hours:
            await self.set_hours(actor.user_id, [(d, *NINE_TO_FIVE) for d in range(5)])
        return actor

    async def set_hours(
        self,
        clinician_id: str,
        intervals: list[tuple[int, time, time]],
        zone: str = "Europe/Berlin",
        actor: Actor = ADMIN,
    ) -> WorkingHoursView:
        command = SetWorkingHoursCommand(actor, clinician_id, zone, tuple(intervals))
        return await self.use_cases.set_working_hours().execute(command)

    async def patient(
        self, linked_to: Actor | None = None, actor: Actor = ADMIN, **options: Any
    ) -> PatientView:
        command = CreatePatientCommand(
            actor,
            options.pop("given", "Ada"),
            options.pop("family", "Lovelace"),
            options.pop("birth_date", date(1990, 12, 10)),
            options.pop("gender", Gender.FEMALE),
            user_id=linked_to.user_id if linked_to else None,
            **options,
        )
        return await self.use_cases.create_patient().execute(command)

    async def book(
        self,
        actor: Actor,
        patient_id: str,
        clinician_id: str,
        start: datetime,
        minutes: float = 30,
        key: str | None = None,
        reason: str = "",
    ) -> AppointmentView:
        end = start + timedelta(minutes=minutes)
        command = BookAppointmentCommand(
            actor, patient_id, clinician_id, start, end, reason, idempotency_key=key
        )
        return await self.use_cases.book_appointment().execute(command)
