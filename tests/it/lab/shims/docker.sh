#!/bin/sh
# medic lab: a `docker` CLI shim. Prints the real CLI's formats from files the
# test harness rendered under the state directory S:
#   containers/<64-hex id>/{name,state,ps.json,inspect.json,logs}
#   containers/<id>/after-{start,stop,kill,die}/{state,ps.json,inspect.json}
#   containers/<id>/restart-fails   start/restart apply after-die instead
#   docker.hang (seconds), docker.garbage, docker.daemon-down   faults
# Every call is appended to S/docker.calls, one line, arguments shell-quoted.
# Arguments are only ever compared with file contents: never eval'd or globbed.
S='@STATE@'
C="$S/containers"

log_call() {
    _line=docker
    for _a in "$@"; do
        case $_a in
            '' | *[!A-Za-z0-9_./:=@%+,-]*) _a="'$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'" ;;
        esac
        _line="$_line $_a"
    done
    printf '%s\n' "$_line" >>"$S/docker.calls"
}

unsupported() {
    printf 'medic-lab docker shim: unsupported: %s\n' "$*" >&2
    exit 2
}

# Helpers' own variables start with _ (sh has no locals).
# find_container NAME_OR_ID: sets $found to the container's directory.
find_container() {
    found=
    for _d in "$C"/*; do
        [ -f "$_d/name" ] || continue
        IFS= read -r _n <"$_d/name" || true
        _id=${_d##*/}
        if [ "$_n" = "$1" ] || [ "/$_n" = "$1" ] || [ "$_id" = "$1" ]; then
            found=$_d
            return 0
        fi
    done
    [ -n "$1" ] || return 1
    _hits=0
    for _d in "$C"/*; do
        [ -f "$_d/name" ] || continue
        _id=${_d##*/}
        case $_id in
            "$1"*) _hits=$((_hits + 1)) && found=$_d ;;
        esac
    done
    [ "$_hits" = 1 ] && return 0
    found=
    return 1
}

# apply DIR VARIANT: make a pre-rendered variant the current state.
apply() {
    _v="$1/$2"
    [ -d "$_v" ] || return 0
    _now=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
    for _f in ps.json inspect.json; do
        sed "s/@@NOW@@/$_now/g" "$_v/$_f" >"$1/$_f.tmp" && mv -f "$1/$_f.tmp" "$1/$_f"
    done
    cp "$_v/state" "$1/state.tmp" && mv -f "$1/state.tmp" "$1/state"
}

current_state() {
    IFS= read -r st <"$1/state" || true
}

cmd_ps() {
    all= quiet= fmt= trunc=1
    while [ $# -gt 0 ]; do
        case $1 in
            -a | --all) all=1 ;;
            -q | --quiet) quiet=1 ;;
            -aq | -qa) all=1 quiet=1 ;;
            --no-trunc) trunc= ;;
            --size=false) ;; # the probe asks the daemon not to compute sizes
            --format | -f)
                [ $# -ge 2 ] || unsupported "ps $1 without a value"
                fmt=$2
                shift
                ;;
            --format=*) fmt=${1#--format=} ;;
            *) unsupported "ps argument $1" ;;
        esac
        shift
    done
    if [ -z "$quiet" ] && [ "$fmt" != '{{json .}}' ]; then
        unsupported "ps without --format '{{json .}}'"
    fi
    for d in "$C"/*; do
        [ -f "$d/ps.json" ] || continue
        if [ -z "$all" ]; then
            current_state "$d"
            case $st in running | paused | restarting) ;; *) continue ;; esac
        fi
        if [ -n "$quiet" ]; then
            id=${d##*/}
            if [ -n "$trunc" ]; then printf '%.12s\n' "$id"; else printf '%s\n' "$id"; fi
        else
            IFS= read -r json <"$d/ps.json" || true
            printf '%s\n' "$json"
        fi
    done
}

cmd_inspect() {
    while [ $# -gt 0 ]; do
        case $1 in
            --type)
                shift
                [ "${1-}" = container ] || unsupported "inspect --type ${1-}"
                ;;
            --type=container | -s | --size) ;;
            --) shift && break ;;
            -*) unsupported "inspect option $1" ;;
            *) break ;;
        esac
        shift
    done
    if [ $# -eq 0 ]; then
        echo "docker: 'docker inspect' requires at least 1 argument." >&2
        exit 1
    fi
    rc=0 sep=
    printf '['
    for n in "$@"; do
        if find_container "$n"; then
            if [ -z "$sep" ]; then printf '\n'; else printf ',\n'; fi
            sep=1
            cat "$found/inspect.json"
        else
            printf 'Error: No such object: %s\n' "$n" >&2
            rc=1
        fi
    done
    if [ -z "$sep" ]; then printf ']\n'; else printf '\n]\n'; fi
    exit "$rc"
}

cmd_logs() {
    tail=all
    while [ $# -gt 0 ]; do
        case $1 in
            --tail | -n)
                [ $# -ge 2 ] || unsupported "logs $1 without a value"
                tail=$2
                shift
                ;;
            --tail=*) tail=${1#--tail=} ;;
            -t | --timestamps) ;;
            --) shift && break ;;
            -*) unsupported "logs option $1" ;;
            *) break ;;
        esac
        shift
    done
    [ $# -eq 1 ] || unsupported "logs needs exactly one container"
    if ! find_container "$1"; then
        printf 'Error response from daemon: No such container: %s\n' "$1" >&2
        exit 1
    fi
    case $tail in
        all) cat "$found/logs" ;;
        '' | *[!0-9]*) unsupported "logs --tail $tail" ;;
        *) tail -n "$tail" "$found/logs" ;;
    esac
}

# start|stop|restart|kill [options] NAME...
cmd_lifecycle() {
    verb=$1
    shift
    signal=KILL
    while [ $# -gt 0 ]; do
        case $1 in
            -t | --time | --timeout)
                [ $# -ge 2 ] || unsupported "$verb $1 without a value"
                shift
                ;;
            -t* | --time=* | --timeout=*) ;;
            -s | --signal)
                [ $# -ge 2 ] || unsupported "$verb $1 without a value"
                signal=$2
                shift
                ;;
            --signal=*) signal=${1#--signal=} ;;
            -a | --attach | -i | --interactive) unsupported "$verb $1" ;;
            --) shift && break ;;
            -*) unsupported "$verb option $1" ;;
            *) break ;;
        esac
        shift
    done
    if [ $# -eq 0 ]; then
        printf "docker: 'docker %s' requires at least 1 argument.\n" "$verb" >&2
        exit 1
    fi
    if [ -f "$S/docker.action-hang" ]; then
        IFS= read -r secs <"$S/docker.action-hang" || true
        i=0
        while [ "$i" -lt "$secs" ] && [ -d "$S" ]; do
            sleep 1
            i=$((i + 1))
        done
    fi
    rc=0
    for n in "$@"; do
        if ! find_container "$n"; then
            printf 'Error response from daemon: No such container: %s\n' "$n" >&2
            rc=1
            continue
        fi
        current_state "$found"
        case $verb in
            start)
                case $st in
                    running | paused) ;;
                    *) if [ -f "$found/restart-fails" ]; then apply "$found" after-die; else apply "$found" after-start; fi ;;
                esac
                ;;
            restart)
                if [ -f "$found/restart-fails" ]; then apply "$found" after-die; else apply "$found" after-start; fi
                ;;
            stop)
                case $st in running | paused | restarting) apply "$found" after-stop ;; esac
                ;;
            kill)
                case $st in
                    running | paused | restarting) ;;
                    *)
                        id=${found##*/}
                        printf 'Error response from daemon: Cannot kill container: %s: Container %s is not running\n' "$n" "$id" >&2
                        rc=1
                        continue
                        ;;
                esac
                case $signal in KILL | SIGKILL | 9) apply "$found" after-kill ;; esac
                ;;
        esac
        printf '%s\n' "$n"
    done
    exit "$rc"
}

log_call "$@"

if [ -f "$S/docker.hang" ]; then
    IFS= read -r secs <"$S/docker.hang" || true
    i=0
    # One second at a time, so a hung call ends soon after the lab is gone.
    while [ "$i" -lt "$secs" ] && [ -d "$S" ]; do
        sleep 1
        i=$((i + 1))
    done
fi
if [ -f "$S/docker.daemon-down" ]; then
    echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2
    exit 1
fi
if [ -f "$S/docker.garbage" ]; then
    cat "$S/docker.garbage"
    exit 0
fi

[ $# -gt 0 ] || unsupported "docker without a command"
cmd=$1
shift
case $cmd in
    ps) cmd_ps "$@" ;;
    inspect) cmd_inspect "$@" ;;
    logs) cmd_logs "$@" ;;
    start | stop | restart | kill) cmd_lifecycle "$cmd" "$@" ;;
    container)
        [ $# -gt 0 ] || unsupported "docker container without a command"
        sub=$1
        shift
        case $sub in
            ls | list) cmd_ps "$@" ;;
            inspect) cmd_inspect "$@" ;;
            logs) cmd_logs "$@" ;;
            start | stop | restart | kill) cmd_lifecycle "$sub" "$@" ;;
            *) unsupported "docker container $sub" ;;
        esac
        ;;
    image)
        # `docker image prune [-a] [-f]`: frees what the test staged in
        # after-prune/ (df output with less used), else frees nothing.
        [ "${1-}" = prune ] || unsupported "docker image ${1-}"
        if [ -d "$S/after-prune" ]; then
            for f in "$S"/after-prune/df*; do cp "$f" "$S/${f##*/}"; done
            echo "Total reclaimed space: 4.2GB"
        else
            echo "Total reclaimed space: 0B"
        fi
        ;;
    *) unsupported "docker $cmd" ;;
esac
