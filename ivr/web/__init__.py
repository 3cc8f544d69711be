"""``ivr serve``: a phone in the browser (keypad, typed words, microphone, the live tree).

An adapter at the edge: aiohttp is imported only inside this package (the ``web``
extra). ``protocol`` is pure and says what page and server may send each other;
``server`` serves the page, the menus' diagrams and one WebSocket per call;
``connection`` checks each socket's messages against the protocol and its limits;
``session_bridge`` runs each call as a ``LiveCall`` (the machinery of ``ivr run``) on
its own thread with the page as its display; ``browser_audio`` carries prompts and
the microphone as PCM16 frames on the same socket.
"""
