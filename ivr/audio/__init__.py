"""Audio plumbing shared by the speech adapters and live calls.

``pcm`` (buffers, WAV files), ``files`` (other formats), ``resample`` (the one
resampler, whole clips and streams), ``vad``, ``capture`` and ``player`` need
numpy at most. Sound hardware sits behind ``ports`` (protocols, stood in for
by ``fakes``); ``streams`` implements them on PortAudio, ``discovery`` finds
devices, and ``portaudio`` alone imports sounddevice, lazily, so keypad and
text calls never load it.
"""
