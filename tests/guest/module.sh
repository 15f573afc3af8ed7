# The module and its device: load, unload, parameters, /dev/mether.
. /mether/tests/lib.sh
plan 19

check "module: loads" insmod $MODULE
check "module: /dev/mether is a character device" test -c /dev/mether
check "module: metherctl status reads the space" \
	sh -c 'metherctl status | grep -q "pages: *256$"'
check "module: unloads" rmmod mether
check "module: /dev/mether is gone after unload" test ! -e /dev/mether

# insmod_log ARGS...: insmod, then the kernel's messages about it.
insmod_log() {
	local status
	dmesg -c >/dev/null
	insmod "$@"
	status=$?
	dmesg
	return $status
}
check "module: space_pages=0 is refused" \
	refused "space_pages=0 out of range" insmod_log $MODULE space_pages=0
check "module: space_pages too large is refused" \
	refused "space_pages=4294967295 out of range" \
	insmod_log $MODULE space_pages=4294967295
check "module: space_pages=1 loads" insmod $MODULE space_pages=1
check "module: metherctl status shows 1 page" \
	sh -c 'metherctl status | grep -q "pages: *1$"'
check "module: unloads after space_pages=1" rmmod mether

# Keep the loads' messages off the console so the 20 loads stay quick
# (a module built with METHER_KUNIT=y prints its suites' results at each).
# Warnings still show.
level=$(cut -f1 /proc/sys/kernel/printk)
echo 4 >/proc/sys/kernel/printk
loops=0
for i in $(seq 1 20); do
	insmod $MODULE && test -c /dev/mether && rmmod mether || break
	loops=$i
done
echo "$level" >/proc/sys/kernel/printk
if [ "$loops" = 20 ]; then
	ok "module: 20 loads and unloads"
else
	not_ok "module: load/unload cycle $((loops + 1)) of 20 failed"
fi
# A fault asleep holds the module, even when its mapping and file are
# gone: mether-poke sleep unmaps and closes them from another thread.
# Without the pin, rmmod succeeded and the killed sleeper woke up in
# freed module text (KASAN, or an oops, on the console).
check "module: loads with data_driven_timeout_ms=0" \
	insmod $MODULE data_driven_timeout_ms=0
check "module: a fault sleeps, its mapping and file gone" \
	sh -c 'mether-poke sleep 3 >/tmp/sleeper'
check "module: rmmod is refused while a fault sleeps" \
	refused "unavailable\|busy" rmmod mether
kill -9 "$(cat /tmp/sleeper)"
# Killed, it lets go of the file on its way out (it is not our child).
unloaded() {
	local i
	for i in $(seq 1 50); do
		rmmod mether 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
check "module: rmmod succeeds once the sleeper is killed" unloaded
# A PURGE over a large range lets a killed caller go between pages.
check "module: loads with space_pages=65536" insmod $MODULE space_pages=65536
check "module: a killed PURGE of 65536 pages stops short" mether-poke purge-killed
check "module: unloads after the killed PURGE" rmmod mether
check "module: not loaded at the end" sh -c '! grep -q "^mether " /proc/modules'
