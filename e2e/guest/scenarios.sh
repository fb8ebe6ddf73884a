# Test boot: load the converted livepatches, run the patched code, print what it shows.
# Every line the host checks starts with "E2E <tag> ". The host greps the whole console for oopses.
. /e2e/lib.sh
echo "E2E uname $(uname -r)"

# --- scenario 4: a patch for binfmt_misc, loaded before the module (late module patching) ...
echo "E2E step s4-before"
ins lp_s4_binfmt.ko
lp_wait; lp_state lp_s4_binfmt
ins binfmt_misc.ko
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
show s4-late /proc/sys/fs/binfmt_misc/status
# bm_status_write is not patched: it changes binfmt_misc's `enabled`, which the patched reader must see.
echo 0 > /proc/sys/fs/binfmt_misc/status
show s4-late-off /proc/sys/fs/binfmt_misc/status
echo 1 > /proc/sys/fs/binfmt_misc/status
ksym misc_format
# ... and loaded after it.
echo "E2E step s4-after"
lp_disable lp_s4_binfmt
show s4-unpatched /proc/sys/fs/binfmt_misc/status
ins lp_s4_binfmt.ko
lp_wait; lp_state lp_s4_binfmt
show s4-early /proc/sys/fs/binfmt_misc/status
# ... and binfmt_misc unloaded and loaded again under the enabled patch: the kernel must clear the module's
# klp relocations on removal and apply them again on load (Linux 6.3 and later; the host says so with
# e2e_reload=1 on the command line).
if grep -qw e2e_reload=1 /proc/cmdline; then
  echo "E2E step s4-reload"
  umount /proc/sys/fs/binfmt_misc
  rmm binfmt_misc
  lp_state lp_s4_binfmt
  # klp_e2e_target (needed for s7 anyway) takes the freed module space, so binfmt_misc comes back at
  # another address and every relocation value of the patch must be recomputed, not merely kept.
  ins klp_e2e_target.ko
  ins binfmt_misc.ko
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  show s4-reload /proc/sys/fs/binfmt_misc/status
  echo "E2E step s4-reload-ksym"
  ksym misc_format
fi

# --- scenarios 1, 2, 3, 5, 6: vmlinux patches
echo "E2E step vmlinux"
for m in lp_s1_var lp_s2_func lp_s3_homonym lp_s5_data lp_s6_key; do ins $m.ko; done
lp_wait
for m in lp_s1_var lp_s2_func lp_s3_homonym lp_s5_data lp_s6_key; do lp_state $m; done
show s1 /proc/cmdline
show s2 /proc/execdomains
show s3 /proc/uptime
ksym init_once
ksym s_start
show s5 /proc/loadavg
show s6-on /proc/softirqs
echo 0 > /proc/sys/kernel/tracepoint_printk
echo "E2E s6-sysctl $(cat /proc/sys/kernel/tracepoint_printk)"
show s6-off /proc/softirqs
echo 1 > /proc/sys/kernel/tracepoint_printk
show s6-on-again /proc/softirqs

# --- scenario 7: a homonym inside our own two-file module
echo "E2E step s7"
[ -d /sys/module/klp_e2e_target ] || ins klp_e2e_target.ko
show s7-orig /sys/module/klp_e2e_target/parameters/describe
ins lp_s7_modhomonym.ko
lp_wait; lp_state lp_s7_modhomonym
show s7 /sys/module/klp_e2e_target/parameters/describe
ksym homonym_string

# --- scenario 8: data relocations to klp_e2e_target's static data, patch loaded before the module
echo "E2E step s8"
# lp_s7 has klp relocations for klp_e2e_target: gone with it, so that the module can come back on 6.1 too.
lp_disable lp_s7_modhomonym
rmm klp_e2e_target
ins lp_s8_moddata.ko
lp_wait; lp_state lp_s8_moddata
ins klp_e2e_target.ko
show s8 /sys/module/klp_e2e_target/parameters/data
ksym s8_small
# ... and, where the kernel clears klp relocations on removal, klp_e2e_target removed and loaded again.
if grep -qw e2e_reload=1 /proc/cmdline; then
  echo "E2E step s8-reload"
  rmm klp_e2e_target
  ins klp_e2e_target.ko
  show s8-reload /sys/module/klp_e2e_target/parameters/data
  echo "E2E step s8-reload-ksym"
  ksym s8_small
fi

echo "E2E tainted $(cat /proc/sys/kernel/tainted)"
