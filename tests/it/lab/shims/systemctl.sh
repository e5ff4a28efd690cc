#!/bin/sh
# medic lab: a `systemctl` shim. Prints `systemctl show` output from files the
# test harness rendered under the state directory S:
#   units/<key>/{name,state,show,show-unix}          one unit (show: Key=Value)
#   units/<key>/after-{start,stop,fail}/{state,show,show-unix}
#   units/<key>/restart-fails                        start/restart fail
#   unit-not-found, unit-not-found-unix              template, @@UNIT@@ = name
#   systemd.not-booted                               no systemd as PID 1
# Every call is appended to S/systemctl.calls, one line, arguments shell-quoted.
# Arguments are only ever compared with file contents: never eval'd or globbed.
S='@STATE@'
U="$S/units"

log_call() {
    _line=systemctl
    for _a in "$@"; do
        case $_a in
            '' | *[!A-Za-z0-9_./:=@%+,-]*) _a="'$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'" ;;
        esac
        _line="$_line $_a"
    done
    printf '%s\n' "$_line" >>"$S/systemctl.calls"
}

unsupported() {
    printf 'medic-lab systemctl shim: unsupported: %s\n' "$*" >&2
    exit 2
}

# Helpers' own variables start with _ (sh has no locals).
# find_unit NAME: sets $found to the unit's directory and $u to the full name.
find_unit() {
    found=
    u=$1
    case $u in *.*) ;; *) u=$u.service ;; esac
    for _d in "$U"/*; do
        [ -f "$_d/name" ] || continue
        IFS= read -r _n <"$_d/name" || true
        if [ "$_n" = "$u" ]; then
            found=$_d
            return 0
        fi
    done
    return 1
}

# print_props: filter Key=Value lines on stdin by $props, unit name in $u.
print_props() {
    while IFS= read -r _line; do
        case $_line in
            *@@UNIT@@*) _line="${_line%%@@UNIT@@*}$u${_line#*@@UNIT@@}" ;;
        esac
        _k=${_line%%=*}
        if [ -n "$props" ]; then
            case ",$props," in *,"$_k",*) ;; *) continue ;; esac
        fi
        if [ -n "$value" ]; then
            printf '%s\n' "${_line#*=}"
        else
            printf '%s\n' "$_line"
        fi
    done
}

# apply DIR VARIANT: make a pre-rendered variant the current state.
apply() {
    _v="$1/$2"
    [ -d "$_v" ] || return 0
    _now=$(date -u '+%a %Y-%m-%d %H:%M:%S UTC')
    _unix=@$(date -u +%s)
    sed "s/@@NOW@@/$_now/g" "$_v/show" >"$1/show.tmp" && mv -f "$1/show.tmp" "$1/show"
    sed "s/@@NOW@@/$_unix/g" "$_v/show-unix" >"$1/show-unix.tmp" && mv -f "$1/show-unix.tmp" "$1/show-unix"
    cp "$_v/state" "$1/state.tmp" && mv -f "$1/state.tmp" "$1/state"
}

log_call "$@"

if [ -f "$S/systemd.not-booted" ]; then
    echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2
    echo "Failed to connect to bus: Host is down" >&2
    exit 1
fi

verb= props= value= suffix= quiet=
while [ $# -gt 0 ]; do
    case $1 in
        -p | --property)
            [ $# -ge 2 ] || unsupported "$1 without a value"
            props="$props,$2"
            shift
            ;;
        -p*) props="$props,${1#-p}" ;;
        --property=*) props="$props,${1#--property=}" ;;
        --value) value=1 ;;
        --timestamp=unix) suffix=-unix ;;
        --timestamp=pretty) suffix= ;;
        -q | --quiet) quiet=1 ;;
        --no-pager | --no-legend | --no-block | --no-ask-password | --plain | -a | --all | --system) ;;
        --)
            shift
            break
            ;;
        -*) unsupported "option $1" ;;
        *)
            if [ -z "$verb" ]; then verb=$1; else break; fi
            ;;
    esac
    shift
done
props=${props#,}
[ -n "$verb" ] || unsupported "systemctl without a command"

# Remaining arguments are units (options after units are not supported).
rc=0
case $verb in
    show)
        [ $# -gt 0 ] || unsupported "show without a unit"
        sep=
        for arg in "$@"; do
            [ -z "$sep" ] || echo
            sep=1
            if find_unit "$arg"; then
                print_props <"$found/show$suffix"
            else
                print_props <"$S/unit-not-found$suffix"
            fi
        done
        ;;
    is-active | is-failed)
        [ $# -gt 0 ] || unsupported "$verb without a unit"
        rc=3
        [ "$verb" = is-failed ] && rc=1
        for arg in "$@"; do
            st=inactive
            if find_unit "$arg"; then IFS= read -r st <"$found/state" || true; fi
            [ -n "$quiet" ] || printf '%s\n' "$st"
            if [ "$verb" = is-active ] && [ "$st" = active ]; then rc=0; fi
            if [ "$verb" = is-failed ] && [ "$st" = failed ]; then rc=0; fi
        done
        ;;
    start | restart | try-restart | stop | reload)
        [ $# -gt 0 ] || unsupported "$verb without a unit"
        for arg in "$@"; do
            if ! find_unit "$arg"; then
                printf 'Failed to %s %s: Unit %s not found.\n' "$verb" "$u" "$u" >&2
                rc=5
                continue
            fi
            IFS= read -r st <"$found/state" || true
            case $verb in
                start | restart | try-restart)
                    [ "$verb" = start ] && [ "$st" = active ] && continue
                    [ "$verb" = try-restart ] && [ "$st" != active ] && continue
                    if [ -f "$found/restart-fails" ]; then
                        apply "$found" after-fail
                        printf 'Job for %s failed because the control process exited with error code.\n' "$u" >&2
                        printf 'See "systemctl status %s" and "journalctl -xeu %s" for details.\n' "$u" "$u" >&2
                        rc=1
                    else
                        apply "$found" after-start
                    fi
                    ;;
                stop) apply "$found" after-stop ;;
                reload)
                    if [ "$st" != active ]; then
                        printf 'Failed to reload %s: Job type reload is not applicable for unit %s.\n' "$u" "$u" >&2
                        rc=1
                    fi
                    ;;
            esac
        done
        ;;
    *) unsupported "systemctl $verb" ;;
esac
exit "$rc"
