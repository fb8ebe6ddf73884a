# Helpers sourced by the guest scripts (busybox sh).
# Everything the host checks is printed on the console as "E2E <tag> <value>" lines.

# check NAME COMMAND...: run COMMAND; print "E2E check ok NAME" or "E2E check fail NAME (exit N)".
# The host turns each into a PASS/FAIL line of the run (e2e/run --patch); a failed check fails the run.
check() {
  local name=$1 rc=0
  shift
  "$@" || rc=$?
  if [ $rc = 0 ]; then echo "E2E check ok $name"; else echo "E2E check fail $name (exit $rc)"; fi
  return $rc
}

# ins FILE.ko [params]: insmod from /mods and report the status.
ins() {
  local m=$1; shift
  insmod "/mods/$m" "$@"
  echo "E2E insmod-$m rc=$?"
}

# rmm NAME: rmmod and report the status.
rmm() { rmmod "$1"; echo "E2E rmmod-$1 rc=$?"; }

# lp_wait: wait (up to ~10 s) until no livepatch is in transition.
lp_wait() {
  local i t busy
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    busy=0
    for t in /sys/kernel/livepatch/*/transition; do
      [ -f "$t" ] && [ "$(cat "$t")" = 1 ] && busy=1
    done
    [ $busy = 0 ] && return 0
    sleep 0.5
  done
  echo "E2E lp-wait timeout"
  return 1
}

# lp_state NAME: print "E2E lp-NAME enabled=<0|1|absent>".
lp_state() {
  if [ -f "/sys/kernel/livepatch/$1/enabled" ]; then
    echo "E2E lp-$1 enabled=$(cat "/sys/kernel/livepatch/$1/enabled")"
  else
    echo "E2E lp-$1 enabled=absent"
  fi
}

# lp_disable NAME: disable a livepatch, wait for the transition, unload it.
lp_disable() {
  echo 0 > "/sys/kernel/livepatch/$1/enabled"
  lp_wait
  rmm "$1"
}

# show TAG FILE: print each line of FILE as "E2E TAG <line>".
show() {
  local tag=$1 line
  while IFS= read -r line; do echo "E2E $tag $line"; done < "$2"
}

# ksym NAME: print the addresses of every /proc/kallsyms entry named NAME, in kallsyms order,
# as "E2E ksym-NAME <addr> <type> [module]".
ksym() {
  awk -v n="$1" '$3 == n { print "E2E ksym-" n " " $1 " " $2 " " $4 }' /proc/kallsyms
}

# dump_kallsyms: copy /proc/kallsyms, gzipped, to the second serial port (a host file).
# gzip makes the transfer through the emulated UART about 5 times shorter; raw mode keeps it 8-bit clean.
dump_kallsyms() {
  stty -F /dev/ttyS1 raw -echo 2>/dev/null
  gzip -c /proc/kallsyms > /dev/ttyS1
  echo "E2E kallsyms-dumped rc=$?"
}
