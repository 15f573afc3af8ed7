# What a user without privileges can do from user and network namespaces
# of its own (issue 13, points 1 and 3). Runs on Debian's stock kernel:
# the debug kernel has no user namespaces. mether-userns-test drops to
# nobody, in a group the device is given to, as group mether is.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 23 : 0))
[ "$METHER_ID" = 0 ] || exit 0

# results PROGRAM-ARGS...: relay mether-userns-test's results.
results() {
	local status
	mether-userns-test "$@" >/tmp/userns 2>&1
	status=$?
	relay "userns:" /tmp/userns
	[ $status -le 1 ] || not_ok "userns: mether-userns-test $1 could not run"
}

check "userns: mether.ko loads" insmod $MODULE
check "userns: the stock kernel lets a user make a user namespace" \
	test "$(cat /proc/sys/user/max_user_namespaces)" -gt 0
# A key makes SEGMENT_GRANT mint for whoever is allowed to.
check "userns: the initial host has a key" \
	metherctl key $CLUSTER_KEY
results escape
results limit

# The space's memory goes to the cgroup of whoever brought it up.
CG=/sys/fs/cgroup
mkdir -p $CG
mount -t cgroup2 none $CG 2>/dev/null
check "userns: cgroup v2 memory controller for a child cgroup" \
	sh -c "echo +memory >$CG/cgroup.subtree_control && mkdir -p $CG/mether"
results memcg $CG/mether 16384 512
check "userns: mether.ko unloads once the namespaces are gone" \
	sh -c "sleep 1; rmmod mether"
