"""The parts of a call that ``ivr.session.Session`` drives, one module each.

The session sends an event to a dialogue by its mode; a dialogue is functions
of the call (``context.Call``) that change ``state`` and end in a choice
offered, taken or refused.

- ``state``: ``Mode`` (every state a call can be in), ``CallState``, ``Choice``.
- ``context``: ``Call``, what the dialogues may use of the session.
- ``keys``: held keys matched like a dial plan, and a menu node's keys as choices.
- ``digits``: digit collection at a collect node.
- ``questions``: "Did you say X?" and "Did you mean A or B?", and taking a choice.
- ``speech``: an utterance read as a number, an answer, a phrase or a described need.
- ``actions``: what a taken choice does.
- ``failures``: no input and no match: escalating reprompts, then the node's way out.
- ``choices``: the choices refs name, labelled in the call's language.
- ``record``: the transcript and the coverage visits.
"""
