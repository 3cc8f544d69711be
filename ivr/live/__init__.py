"""Live calls: the session driven in real time by a keypad, a microphone and a speaker.

The session stays pure; this package owns wall-clock time, threads and devices.
Inputs from every source arrive as small events in one queue (``inputs``), and
``LiveCall`` turns them into session events, plays prompts with barge-in, and
feeds the session's virtual clock only while the caller is expected to act.
"""
