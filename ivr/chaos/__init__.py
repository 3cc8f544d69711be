"""The chaos caller: random keys, phrases, silences, barge-ins and hang-ups against a menu.

A package at the edge rather than a core module because running calls needs the
wall clock and signals (to time a run and to stop a call that hangs). Only
``runner`` touches them; what decides stays pure and replayable from a seed:
``oracle`` (was a route chosen, did the call keep its invariants) and ``caller``
(the next random event, and the bound every call must end within).
"""
