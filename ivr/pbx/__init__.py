"""Menus from and to real PBXs: FreeSWITCH ``ivr.conf`` XML, Asterisk
``extensions.conf`` and VoiceXML.

An importer compiles a PBX file into an ivr menu *document* (the YAML schema,
as nested dicts) and the one loader builds the menu from it, so every command
runs an imported menu exactly as it runs a YAML one and ``ivr import`` writes
the same document out. Each format lives in its own subpackage; this package
only detects which one a file is (``ivr.pbx.detect``).
"""
