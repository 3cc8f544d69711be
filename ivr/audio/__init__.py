"""Audio plumbing shared by the speech adapters: PCM buffers, WAV files, resampling.

Only numpy is needed here; the engines and devices import their own libraries
in their own modules so that keypad and text calls never pay for them.
"""
