"""What the call needs from sound hardware, as protocols and plain values.

The menu only needs "play this prompt, and let me cut it short" and "give me
microphone blocks at 16 kHz". Players, capture and the fakes are written
against these ports, so they never load PortAudio (``ivr.audio.streams``
implements the ports on it) nor even numpy from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias

from ivr.errors import IvrError

if TYPE_CHECKING:
    from ivr.audio.pcm import Audio

Kind = Literal["input", "output"]
#: How a person names a device: None for the default, an index, or (part of) its name.
DeviceSpec = str | int | None


class AudioDeviceError(IvrError):
    """A sound device that is missing, busy, vanished or cannot be driven."""


@dataclass(frozen=True)
class DeviceInfo:
    """One device as PortAudio lists it."""

    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool

    @property
    def label(self) -> str:
        return f"device {self.index} ({self.name!r})"

    def channels(self, kind: Kind) -> int:
        return self.max_input_channels if kind == "input" else self.max_output_channels


class PlaybackHandle(Protocol):
    """One prompt being played."""

    @property
    def done(self) -> bool:
        """True once playback has finished or been stopped."""
        ...

    @property
    def played_seconds(self) -> float:
        """Seconds of the prompt heard so far (an estimate on real devices)."""
        ...

    def stop(self) -> float:
        """Cut playback short now; return the seconds that were played."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends or ``timeout`` passes; True if it ended."""
        ...


class AudioOutput(Protocol):
    def play(self, audio: Audio) -> PlaybackHandle: ...


BlockCallback: TypeAlias = "Callable[[Audio], None]"
#: Called once when a source ends by itself: ``None`` for the clean end of a
#: finite source (a file, a fake), an error when a device failed or vanished.
EndCallback: TypeAlias = Callable[[AudioDeviceError | None], None]


class AudioInput(Protocol):
    """A live source that calls back with mono blocks of ``block_size`` samples at ``rate``.

    Callbacks come from the source's own thread and must return quickly.
    ``on_end`` is not called after ``stop()``.
    """

    @property
    def rate(self) -> int: ...

    @property
    def block_size(self) -> int: ...

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None: ...

    def stop(self) -> None: ...
