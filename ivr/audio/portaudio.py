"""Getting at PortAudio safely: loading it, bounding every call, and naming its errors.

``sounddevice`` (which loads the PortAudio C library) is imported here and
nowhere else, lazily, so keypad and text calls never need it and a missing
package or library becomes one ``AudioDeviceError`` saying what to install.
A broken audio server makes PortAudio calls block forever, so every call
that could block runs under a watchdog thread and gives up after a timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ivr.audio.ports import AudioDeviceError, DeviceInfo

log = logging.getLogger(__name__)

#: How long a PortAudio open/start/stop/close may take before we give up.
CALL_TIMEOUT = 5.0
#: How long stopping or closing a stream may take (it only hangs on a dead server).
SHUT_TIMEOUT = 2.0

T = TypeVar("T")


def _import_sounddevice() -> Any:
    import sounddevice

    return sounddevice


def load() -> Any:
    """The ``sounddevice`` module, or a one-line error saying what to install."""
    try:
        return _import_sounddevice()
    except ImportError:
        raise AudioDeviceError(
            "the Python package sounddevice is not installed",
            "pip install 'ivr[audio]'",
        ) from None
    except OSError as exc:  # sounddevice raises OSError when libportaudio is absent
        raise AudioDeviceError(
            f"the PortAudio library cannot be loaded ({exc})",
            "install it, e.g. apt-get install libportaudio2",
        ) from None


def with_timeout(what: str, call: Callable[[], T], timeout: float = CALL_TIMEOUT) -> T:
    """Run a PortAudio call that might block forever on a wedged audio server."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"ivr-audio-{what}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise AudioDeviceError(
            f"{what} did not return within {timeout:g} s",
            "the audio server or device looks stuck",
        )
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def message(exc: BaseException) -> str:
    """PortAudio's own text for an error, without sounddevice's tuple dressing."""
    args = getattr(exc, "args", ())
    return str(args[0]) if args else str(exc)


def device_error(exc: BaseException, action: str, device: DeviceInfo) -> AudioDeviceError:
    """A PortAudio error as one line, with a hint for the common causes."""
    text = message(exc)
    code = exc.args[1] if len(getattr(exc, "args", ())) > 1 else None
    hint: str | None = None
    if code == -9985 or "busy" in text.lower() or "unavailable" in text.lower():
        hint = "the device is busy: another program is using it"
    elif code == -9997:
        hint = "the device does not support this sample rate: choose another device rate"
    elif code in (-9996, -9993):
        hint = "the device may have been unplugged or its audio server stopped"
    return AudioDeviceError(f"cannot {action} {device.label}: {text}", hint)


def shut(sd: Any, stream: Any, device: DeviceInfo) -> None:
    """Abort and close a stream, giving up (and leaking it) if the abort hangs.

    When the audio server dies under an open stream, PortAudio's ALSA thread
    was seen to spin and ``abort()`` never to return; ``close()`` would hang
    the same way, so it is skipped then. A leaked stream costs a thread; a
    hang would cost the call.
    """
    for what, call in (("stopping", stream.abort), ("closing", stream.close)):
        try:
            with_timeout(f"{what} {device.label}", call, SHUT_TIMEOUT)
        except AudioDeviceError as exc:
            log.warning("%s; leaving the stream behind", exc)
            return
        except sd.PortAudioError as exc:
            log.warning("%s %s: %s", what, device.label, message(exc))
