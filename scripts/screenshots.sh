#!/bin/sh
# Makes screenshots/*.png from the real program: drives `klp-convert tui` (the bundled example) in a private
# tmux server, captures the pane with its colours, and renders it to PNG with scripts/ansi2png.py.
# usage: scripts/screenshots.sh [path/to/klp-convert]   (default: .build/release, else .build/debug)
# needs (Debian): tmux python3-pyte python3-pil fonts-dejavu-core; run with Debian's /usr/bin/python3.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-}
if [ -z "$bin" ]; then
	for b in "$root/.build/release/klp-convert" "$root/.build/debug/klp-convert"; do
		[ -x "$b" ] && { bin=$b; break; }
	done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "screenshots.sh: build klp-convert first (swift build)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out="$root/screenshots"
mkdir -p "$out"
work=$(mktemp -d)
sock=klp-shots-$$
t() { tmux -L "$sock" -f /dev/null "$@"; }
trap 't kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# shot NAME COLSxROWS key...   (keys are tmux send-keys names; "sleep:S" pauses); $args: tui's arguments
args=
shot() {
	name=$1 size=$2; shift 2
	cols=${size%x*} rows=${size#*x}
	t kill-server 2>/dev/null || true
	sleep 0.2
	# Run in an empty folder so nothing the keys might write lands in the repository.
	t -u new-session -d -s s -x "$cols" -y "$rows" "cd $work && env LANG=C.UTF-8 $bin tui $args; sleep 30"
	sleep 0.8
	for k in "$@"; do
		case $k in sleep:*) sleep "${k#sleep:}";; *) t send-keys -t s "$k"; sleep 0.15;; esac
	done
	sleep 0.4
	t capture-pane -p -e -N -t s > "$work/$name.ansi"
	grep -q "klp-convert" "$work/$name.ansi" || { echo "screenshots.sh: $name: the TUI is not on screen:" >&2; cat "$work/$name.ansi" >&2; exit 1; }
	/usr/bin/python3 "$root/scripts/ansi2png.py" "$work/$name.ansi" "$out/$name.png" --cols "$cols" --rows "$rows"
	echo "wrote screenshots/$name.png"
}

# init_once picked (vmlinux, 2nd copy; it moves down among the decided symbols), cursor on the ambiguous s_start
# above it ([ = previous symbol to decide).
shot overview 120x40 Enter Down Enter Escape '['
# The candidate picker on s_start, the cursor on the copy the patch suggests.
shot picker 120x40 Enter Down Enter Escape '[' Enter
# Before / after preview with both homonyms chosen.
shot preview 120x40 Enter Down Enter Escape '[' Enter Down Enter p
shot help 120x40 '?'
# The patched functions (klp_func entries) and the copies of state_show, the one its old_sympos selects marked.
shot functions 120x40 t Enter
shot small-80x24 80x24 Enter Down
# The picker on a database without source files (the bundled one with its -file lines removed): the detail panel
# says once how to get them.
grep -v '^-' "$root/examples/symbols.klp" > "$work/symbols-no-files.klp"
"$root/scripts/build-example-object.sh" "$work/livepatch-example.o"
args="symbols-no-files.klp livepatch-example.o"
shot picker-no-files 120x40 Enter Down Enter Escape '[' Enter Down
args=
