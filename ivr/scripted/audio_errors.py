"""The error audio mode raises when the speech engines are missing.

Kept apart from ``ivr.scripted.audio`` so the runner can catch it without
importing anything audio-related.
"""

from __future__ import annotations

from ivr.errors import IvrError


class AudioUnavailableError(IvrError):
    """The text-to-speech or speech recognition package is not installed or importable."""
