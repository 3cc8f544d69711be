"""ivr: a voice phone menu (IVR) simulator.

The pure core (menu model, loader, call session) lives in this package's top
level modules; speech and audio adapters live in ``ivr.tts``, ``ivr.asr`` and
``ivr.audio``; the front ends live in ``ivr.cli`` and ``ivr.scripted``.
"""

__version__ = "0.1.0"
