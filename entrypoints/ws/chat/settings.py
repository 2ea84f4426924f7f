"""What a chat socket needs from configuration, read once when the app is made."""

from __future__ import annotations

from dataclasses import dataclass

from entrypoints.container import Container


@dataclass(frozen=True, slots=True)
class SocketSettings:
    allowed_origins: tuple[str, ...]
    public_url: str | None
    queue_frames: int
    session_check_seconds: float

    @classmethod
    def of(cls, container: Container) -> SocketSettings:
        config = container.config
        return cls(
            allowed_origins=tuple(config.cors_origins()),
            public_url=config.public_url(),
            queue_frames=config.chat_queue_frames(),
            session_check_seconds=config.chat_session_check_seconds(),
        )
