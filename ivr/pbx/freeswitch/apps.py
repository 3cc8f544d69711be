"""What a ``menu-exec-app`` (or ``exec-on-max-failures``) does to the call.

FreeSWITCH runs the application and, if the call is still in the menu, goes
round its loop again (``SWITCH_IVR_ACTION_EXECAPP`` in
``switch_ivr_menu_execute``, ``src/switch_ivr_menu.c``); an application name
it does not know makes the entry fail, which ends the menus. The simulator
runs what it can: ``transfer`` and ``bridge`` route the call, ``hangup``
hangs up, ``playback``/``speak``/``phrase`` speak, ``set``/``export``/
``multiset``/``unset`` set call variables, ``ivr`` opens another menu of the
file. Anything else ends the call as a route whose target is the application
as written, with a warning.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

#: Applications FreeSWITCH's own modules register (``SWITCH_ADD_APP`` in ``src/mod``),
#: plus ``conference``, which mod_conference registers under a variable name.
_APP_NAMES = """
    AvoidingDeadlock Dial Goto acknowledge_call answer att_xfer avmd avmd_start avmd_stop basic
    bert_test bgsystem bind_digit_action bind_meta_app blind_transfer_ack block_dtmf break bridge
    bridge_export broadcast callcenter callcenter_track capture capture_text capture_video
    check_acl chromakey cidlookup clear_digit_action clear_speech_cache cluechoo cng_plc
    conference conference_set_auto_outcall curl curl_sendfile cv cv_bug db debug_media
    decode_video deduplicate_dtmf deflect delay_echo detect_audio detect_silence detect_speech
    digit_action_set_realm directory displace_session distributor early_hangup easyroute
    eavesdrop echo enable_heartbeat enable_keepalive endless_playback enum erlang
    erlang_sendmsg esf_page_group eval event execute_extension export fax_detect fifo
    fifo_track_call filter_codecs flush_dtmf fsk_display fsk_recv fsk_send fsk_simplify gentones
    group hangup hash hiredis_raw hold httapi info intercept ivr java javascript jitterbuffer lcr
    limit limit_execute limit_hash limit_hash_execute log loop_playback lua managed media_reset
    mkdir multiset multiunset mutex native_eavesdrop nibblebill novideo osplookup ospnext page
    park park_state perl phrase pickup play_and_detect_speech play_and_get_digits play_fsv
    play_video play_yuv playback pre_answer preprocess presence privacy push python queue_dtmf
    read record record_fsv record_session record_session_mask record_session_pause
    record_session_resume record_session_unmask recovery_refresh redirect remove_bugs rename
    respond reuse_caller_profile ring_ready rxfax say sched_broadcast sched_cancel sched_hangup
    sched_heartbeat sched_transfer send_display send_dtmf send_info session_loglevel set
    set_audio_level set_global set_media_stats set_mute set_name set_profile_var set_user
    set_zombie_exec sleep snapshot socket sofia_sla sofia_stir_shaken_vs soft_hold sound_test
    spandsp_detect_tdd spandsp_inject_tdd spandsp_send_tdd spandsp_start_dtmf
    spandsp_start_fax_detect spandsp_start_tone_detect spandsp_stop_detect_tdd spandsp_stop_dtmf
    spandsp_stop_fax_detect spandsp_stop_inject_tdd spandsp_stop_tone_detect speak start_dtmf
    start_dtmf_generate stop stop_displace_session stop_dtmf stop_dtmf_generate
    stop_record_session stop_tone_detect stop_video_write_overlay stopfax strftime system
    t38_gateway three_way tone_detect transfer transfer_vars translate txfax unbind_meta_app
    unblock_dtmf unhold unloop unset unshift userspy vad_test valet_park verbose_events
    video_decode video_refresh video_replace video_write_overlay vmd voicemail voicemail_ivr
    wait_for_answer wait_for_silence wait_for_video_ready
"""
KNOWN_APPS = frozenset(_APP_NAMES.split())

#: Applications that leave the call where it is: the menu goes on as after a sound.
NO_EFFECT = frozenset(
    {
        "answer", "pre_answer", "ring_ready", "log", "info", "event", "sleep", "flush_dtmf",
        "verbose_events", "debug_media", "session_loglevel", "set_name", "send_display",
        "sound_test", "gentones", "mkdir", "presence", "privacy",
    }
)  # fmt: skip

_APP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class AppKind(enum.Enum):
    ROUTE = "route"  # transfer, bridge: the call leaves the menu for the target
    HANGUP = "hangup"
    SPEAK = "speak"  # playback, speak, phrase: words, then the menu again
    SET = "set"  # set, export, multiset, unset: variables, then the menu again
    MENU = "menu"  # ivr NAME: another menu of the file
    NOTHING = "nothing"  # no effect on the call flow
    OTHER = "other"  # runs something the simulator cannot: kept as a route's target
    UNKNOWN = "unknown"  # not an application name at all: FreeSWITCH ends the menus


@dataclass(frozen=True)
class App:
    """A ``menu-exec-app`` parameter split into what it is."""

    kind: AppKind
    name: str
    args: str
    sets: tuple[tuple[str, str], ...] = ()


def classify(param: str) -> App:
    """``transfer 1005 XML features`` -> (ROUTE, transfer, 1005 XML features)."""
    name, _, args = param.strip().partition(" ")
    args = args.strip()
    if name in ("transfer", "bridge"):
        return App(AppKind.ROUTE, name, args)
    if name == "hangup":
        return App(AppKind.HANGUP, name, args)
    if name in ("playback", "speak", "phrase", "say", "endless_playback", "loop_playback"):
        return App(AppKind.SPEAK, name, args)
    if name in ("set", "export", "set_global"):
        var, _, value = args.partition("=")
        return App(AppKind.SET, name, args, ((var.strip(), value),) if var.strip() else ())
    if name == "multiset":
        pairs = [p.partition("=") for p in args.split()]
        return App(AppKind.SET, name, args, tuple((v, x) for v, _, x in pairs if v))
    if name in ("unset", "multiunset"):
        return App(AppKind.SET, name, args, tuple((v, "") for v in args.split()))
    if name == "ivr":
        return App(AppKind.MENU, name, args)
    if name in NO_EFFECT:
        return App(AppKind.NOTHING, name, args)
    if not _APP_NAME.match(name):
        return App(AppKind.UNKNOWN, name, args)
    return App(AppKind.OTHER, name, args)


def spoken(app: App) -> str:
    """The sound or text a SPEAK application plays (``speak engine|voice|text`` -> text)."""
    if app.name == "speak":
        return "say:" + app.args.split("|")[-1]
    if app.name == "phrase":
        name, _, data = app.args.partition(",")
        return f"phrase:{name.strip()}:{data.strip()}" if data.strip() else f"phrase:{name}"
    if app.name == "say":  # say <module> <type> <method> [gender] <text>
        return "say:" + (app.args.split(" ")[-1] if app.args else "")
    return app.args
