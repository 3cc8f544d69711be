"""ivr: a voice phone menu (IVR) simulator.

The pure core (menu model, refs and events, the call session) lives in this
package's top-level modules and in ``ivr.call`` (the call's dialogues),
``ivr.loader`` and ``ivr.yamlsrc`` (reading menus) and ``ivr.understand`` (a need
in the caller's own words); speech, language and audio adapters live in
``ivr.tts``, ``ivr.asr``, ``ivr.nlu`` and ``ivr.audio``; the front ends live in
``ivr.cli``, ``ivr.scripted``, ``ivr.live`` and ``ivr.chaos``.
"""

__version__ = "0.1.0"
