#!/bin/sh
# medic lab: a `df` shim. Prints GNU df's output, rendered by the test harness
# into the state directory S: df-PT (for -PTk), df-P, df-T, df (no -P).
# Only the flags P, T and k are supported (k is GNU's default block size);
# mount point arguments are not.
S='@STATE@'
posix= type=
for a in "$@"; do
    case $a in
        - | -*[!PTk]*)
            printf 'medic-lab df shim: unsupported: %s\n' "$a" >&2
            exit 2
            ;;
        -*)
            case $a in *P*) posix=P ;; esac
            case $a in *T*) type=T ;; esac
            ;;
        *)
            printf 'medic-lab df shim: unsupported argument: %s\n' "$a" >&2
            exit 2
            ;;
    esac
done
f=df
[ -z "$posix$type" ] || f="df-$posix$type"
cat "$S/$f"
