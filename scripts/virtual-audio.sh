#!/bin/sh
# Virtual sound devices for trying `ivr` by hand on a machine without a sound card.
#   eval "$(scripts/virtual-audio.sh start)"   # prints the exports to use
#   ivr devices                                 # lists ivrspk, ivrmon, callerline, callermic
#   scripts/virtual-audio.sh stop "$IVR_VAUDIO_DIR"
# Same layout as tests/audio/virtual_devices.py (see its docstring).
set -eu
case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/ivr-vaudio.XXXXXX)
    mkdir -p "$dir/home" "$dir/config" "$dir/runtime"
    chmod 700 "$dir/runtime"
    cat >"$dir/home/.asoundrc" <<'ASOUND'
pcm.ivrspk { type pulse; device "ivrspk" }
pcm.ivrmon { type pulse; device "ivrspk.monitor" }
pcm.callerline { type pulse; device "callerline" }
pcm.callermic { type pulse; device "callerline.monitor" }
ASOUND
    export HOME="$dir/home" XDG_CONFIG_HOME="$dir/config" XDG_RUNTIME_DIR="$dir/runtime"
    pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --use-pid-file=no \
        --log-target="file:$dir/pulseaudio.log" --load=module-native-protocol-unix \
        --load="module-null-sink sink_name=ivrspk rate=16000 channels=1" \
        --load="module-null-sink sink_name=callerline rate=16000 channels=1" \
        </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/pulseaudio.pid"
    tries=0
    until pactl list short sinks 2>/dev/null | grep -q callerline; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ]; then
            echo "pulseaudio did not start; see $dir/pulseaudio.log" >&2
            kill "$(cat "$dir/pulseaudio.pid")" 2>/dev/null || true
            exit 1
        fi
        sleep 0.1
    done
    # The default source would be the speaker's own monitor: `ivr run --voice`
    # would hear itself. Make the defaults the menu's speaker and the caller's line.
    pactl set-default-sink ivrspk
    pactl set-default-source callerline.monitor
    for monitor in ivrspk.monitor callerline.monitor; do
        parec --device="$monitor" --latency-msec=20 </dev/null >/dev/null 2>&1 &
        echo $! >>"$dir/parec.pids"
    done
    echo "export HOME='$dir/home' XDG_CONFIG_HOME='$dir/config' XDG_RUNTIME_DIR='$dir/runtime' IVR_VAUDIO_DIR='$dir'"
    ;;
stop)
    dir=${2:?usage: $0 stop DIR}
    for pid in $(cat "$dir/parec.pids" 2>/dev/null) $(cat "$dir/pulseaudio.pid" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
