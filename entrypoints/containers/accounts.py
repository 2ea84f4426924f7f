"""The accounts context's use cases."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.accounts.policies import LoginLimits, SessionPolicy
from application.accounts.ports import (
    AccountsUnitOfWork,
    CommonPasswords,
    KnownClients,
    LoginThrottle,
    PasswordHasher,
    TokenService,
)
from application.accounts.use_cases.login import Login
from application.accounts.use_cases.passwords import ChangePassword
from application.accounts.use_cases.registration import CreateFirstAdmin, RegisterUser
from application.accounts.use_cases.sessions import Authenticate, Logout, RefreshTokens
from application.accounts.use_cases.users import ChangeRole, GetCurrentUser, GetUser, ListUsers
from application.shared.events import NO_EVENTS, BusinessEvents
from application.shared.ports import Clock


class AccountsContainer(containers.DeclarativeContainer):
    config = providers.Configuration()
    uow = providers.Dependency(instance_of=AccountsUnitOfWork)
    clock = providers.Dependency(instance_of=Clock)
    hasher = providers.Dependency(instance_of=PasswordHasher)
    common_passwords = providers.Dependency(instance_of=CommonPasswords)
    tokens = providers.Dependency(instance_of=TokenService)
    # Per client address, and per account (wider, so a botnet cannot spread its guesses).
    login_throttle = providers.Dependency(instance_of=LoginThrottle)
    account_throttle = providers.Dependency(instance_of=LoginThrottle)
    known_clients = providers.Dependency(instance_of=KnownClients)
    # What operators count (the Prometheus adapter in the app; nothing by default).
    events = providers.Dependency(instance_of=BusinessEvents, default=NO_EVENTS)

    login_limits = providers.Singleton(LoginLimits, login_throttle, account_throttle, known_clients)
    session_policy = providers.Singleton(SessionPolicy, config.refresh_token_days)

    register_user = providers.Factory(RegisterUser, uow, hasher, common_passwords, clock)
    create_first_admin = providers.Factory(CreateFirstAdmin, uow, register_user)
    login = providers.Factory(
        Login, uow, hasher, tokens, login_limits, clock, session_policy, events=events
    )
    authenticate = providers.Factory(Authenticate, uow, tokens, clock)
    refresh_tokens = providers.Factory(RefreshTokens, uow, tokens, clock)
    logout = providers.Factory(Logout, uow, clock)
    get_current_user = providers.Factory(GetCurrentUser, uow)
    get_user = providers.Factory(GetUser, uow)
    list_users = providers.Factory(ListUsers, uow)
    change_role = providers.Factory(ChangeRole, uow)
    change_password = providers.Factory(
        ChangePassword, uow, hasher, common_passwords, login_throttle, clock
    )
    jobs = providers.Dict()
