# Guest script of the e2e/run --patch self-test: /e2e/e2e-files/ is this folder's e2e-files/.
. /e2e/lib.sh
ins livepatch-failing-check.ko
lp_wait
lp_state livepatch_failing_check
check "cmdline shows the text of e2e-files/expected.txt" grep -qF "$(cat /e2e/e2e-files/expected.txt)" /proc/cmdline
check "deliberately failing" grep -q no-such-text /proc/cmdline
exit 3
