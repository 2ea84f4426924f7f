"""The clinic context's use cases and jobs."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.audit_log import GetOwnAccessLog, ListAuditEvents
from application.clinic.use_cases.booking import BookAppointment, GetAppointment
from application.clinic.use_cases.lifecycle import CancelAppointment, ChangeAppointmentStatus
from application.clinic.use_cases.me import (
    GetOwnPatient,
    ListOwnAppointments,
    ListOwnPrescriptions,
)
from application.clinic.use_cases.patients import (
    ChangePatient,
    CreatePatient,
    GetPatient,
    SearchPatients,
)
from application.clinic.use_cases.prescriptions import (
    ChangePrescriptionStatus,
    GetPrescription,
    ListPatientPrescriptions,
    Prescribe,
)
from application.clinic.use_cases.schedule import GetAvailability, SetWorkingHours
from application.shared.events import NO_EVENTS, BusinessEvents
from application.shared.ports import Clock


class ClinicContainer(containers.DeclarativeContainer):
    uow = providers.Dependency(instance_of=ClinicUnitOfWork)
    clock = providers.Dependency(instance_of=Clock)
    # What operators count (the Prometheus adapter in the app; nothing by default).
    events = providers.Dependency(instance_of=BusinessEvents, default=NO_EVENTS)

    create_patient = providers.Factory(CreatePatient, uow, clock)
    get_patient = providers.Factory(GetPatient, uow, clock)
    change_patient = providers.Factory(ChangePatient, uow, clock)
    search_patients = providers.Factory(SearchPatients, uow, clock)
    set_working_hours = providers.Factory(SetWorkingHours, uow)
    get_availability = providers.Factory(GetAvailability, uow, clock)
    book_appointment = providers.Factory(BookAppointment, uow, clock, events=events)
    get_appointment = providers.Factory(GetAppointment, uow, clock)
    cancel_appointment = providers.Factory(CancelAppointment, uow, clock)
    change_appointment_status = providers.Factory(ChangeAppointmentStatus, uow, clock)
    list_audit_events = providers.Factory(ListAuditEvents, uow)
    get_own_access_log = providers.Factory(GetOwnAccessLog, uow, clock)
    prescribe = providers.Factory(Prescribe, uow, clock)
    get_prescription = providers.Factory(GetPrescription, uow, clock)
    list_patient_prescriptions = providers.Factory(ListPatientPrescriptions, uow, clock)
    change_prescription_status = providers.Factory(ChangePrescriptionStatus, uow, clock)
    get_own_patient = providers.Factory(GetOwnPatient, uow, clock)
    list_own_prescriptions = providers.Factory(ListOwnPrescriptions, uow, clock)
    list_own_appointments = providers.Factory(ListOwnAppointments, uow, clock)
    jobs = providers.Dict()
