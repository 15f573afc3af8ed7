-- SPDX-License-Identifier: GPL-2.0
--
-- Wireshark/tshark dissector for the Mether wire protocol, version 6
-- (Documentation/wire.rst). The header is readable in a sealed cluster
-- (it is the AEAD's associated data); the payload is encrypted then, and
-- shown as such with its tag.
--
--   tshark -X lua_script:tools/wireshark/mether.lua -r capture.pcap
--
-- Mether packets are found on any UDP port by their first bytes and
-- their length: the magic 0x4d, version 6, a type there is, and as many
-- bytes as the type, subset and seal call for (a heuristic, mether_udp,
-- which --disable-heuristic mether_udp turns off). The preference
-- mether.port (default 7700) also decodes as Mether whatever has the
-- magic and a header's length on that port, the cluster's.

local mether = Proto("mether", "Mether distributed shared memory")

local types = {
	[1] = "PAGE", [2] = "REQUEST", [3] = "ACK", [4] = "HELLO",
	[5] = "RECLAIM", [6] = "OFFER", [7] = "GRANT",
}
local subsets = { [0] = "full", [1] = "short" }
local seals = { [0] = "none", [1] = "XChaCha20-Poly1305" }

local f = mether.fields
f.magic = ProtoField.uint8("mether.magic", "Magic", base.HEX)
f.version = ProtoField.uint8("mether.version", "Version")
f.type = ProtoField.uint8("mether.type", "Type", base.DEC, types)
f.flags = ProtoField.uint8("mether.flags", "Flags", base.HEX, nil, 0x3f)
f.subset = ProtoField.uint8("mether.subset", "Subset", base.DEC, subsets,
	0x40)
f.seal = ProtoField.uint8("mether.seal", "Seal", base.DEC, seals, 0x80)
f.cluster = ProtoField.uint32("mether.cluster", "Cluster")
f.sender = ProtoField.uint32("mether.sender", "Sender")
f.target = ProtoField.uint32("mether.target", "Target")
f.target_epoch = ProtoField.uint32("mether.target_epoch",
	"Target epoch (low 32 bits)", base.HEX)
f.seq = ProtoField.uint32("mether.seq", "Handoff sequence")
f.page = ProtoField.uint32("mether.page", "Page")
f.page_version = ProtoField.uint64("mether.page_version", "Page version")
f.epoch = ProtoField.uint64("mether.epoch", "Sender epoch")
f.counter = ProtoField.uint64("mether.counter", "Packet counter")
f.payload = ProtoField.bytes("mether.payload", "Payload")
f.tag = ProtoField.bytes("mether.tag", "Poly1305 tag")

local HEADER, MAGIC, TAG = 50, 0x4d, 16
local VERSION = 6
local SHORT, SEALED = 0x40, 0x80

-- The payload a packet carries (mether_wire_payload_bytes()).
local function payload_bytes(ptype, short)
	if ptype == 1 then
		return short and 32 or 4096
	elseif ptype == 6 then
		return 4096
	elseif ptype == 5 then
		return 16
	end
	return 0
end

-- Flag names differ by type (mether_wire.h).
local function flag_names(ptype, flags)
	local names = {}
	if ptype == 1 and bit.band(flags, 1) ~= 0 then
		names[#names + 1] = "HANDOFF"
	end
	if ptype == 2 and bit.band(flags, 1) ~= 0 then
		names[#names + 1] = "CONSISTENT"
	end
	if ptype == 2 and bit.band(flags, 2) ~= 0 then
		names[#names + 1] = "HAVE_TAIL"
	end
	if ptype == 3 and bit.band(flags, 2) ~= 0 then
		names[#names + 1] = "NEED_FULL"
	end
	if ptype == 3 and bit.band(flags, 4) ~= 0 then
		names[#names + 1] = "GRANTED"
	end
	if ptype == 5 and bit.band(flags, 1) ~= 0 then
		names[#names + 1] = "DONE"
	end
	if ptype == 5 and bit.band(flags, 2) ~= 0 then
		names[#names + 1] = "NOTICE"
	end
	if ptype == 4 and bit.band(flags, 1) ~= 0 then
		names[#names + 1] = "CHALLENGE"
	end
	if ptype == 4 and bit.band(flags, 2) ~= 0 then
		names[#names + 1] = "ANSWER"
	end
	return table.concat(names, ", ")
end

function mether.dissector(buf, pinfo, tree)
	if buf:len() < HEADER or buf(0, 1):uint() ~= MAGIC then
		return 0
	end
	pinfo.cols.protocol = "Mether"
	local t = tree:add(mether, buf(), "Mether")
	-- Another version's layout is another: name it, decode no more.
	if buf(1, 1):uint() ~= VERSION then
		t:add(f.magic, buf(0, 1))
		t:add(f.version, buf(1, 1))
		pinfo.cols.info = string.format("version %d, not decoded",
			buf(1, 1):uint())
		return buf:len()
	end
	local ptype = buf(2, 1):uint()
	local all = buf(3, 1):uint()
	local flags = bit.band(all, 0x3f)
	local length = payload_bytes(ptype, bit.band(all, SHORT) ~= 0)
	local tag = bit.band(all, SEALED) ~= 0 and TAG or 0

	t:add(f.magic, buf(0, 1))
	t:add(f.version, buf(1, 1))
	t:add(f.type, buf(2, 1))
	t:add(f.flags, buf(3, 1)):append_text(" (" .. flag_names(ptype, flags) .. ")")
	t:add(f.subset, buf(3, 1))
	t:add(f.seal, buf(3, 1))
	t:add(f.cluster, buf(4, 4))
	t:add(f.sender, buf(8, 4))
	t:add(f.target, buf(12, 4))
	t:add(f.target_epoch, buf(16, 4))
	t:add(f.seq, buf(20, 4))
	t:add(f.page, buf(24, 4))
	t:add(f.page_version, buf(28, 8))
	t:add(f.epoch, buf(36, 8))
	t:add(f.counter, buf(44, 6), buf(44, 6):uint64())
	local rest = buf:len() - HEADER
	if length > 0 and rest >= length then
		t:add(f.payload, buf(HEADER, length))
	end
	if tag > 0 and rest >= length + tag then
		t:add(f.tag, buf(HEADER + length, tag))
	end
	pinfo.cols.info = string.format("%s page %d v%s from %d%s",
		types[ptype] or "?", buf(24, 4):uint(),
		tostring(buf(28, 8):uint64()), buf(8, 4):uint(),
		flags ~= 0 and (" [" .. flag_names(ptype, flags) .. "]") or "")
	return buf:len()
end

mether.prefs.port = Pref.uint("UDP port", 7700, "The cluster's UDP port")

local current_port = 0
function mether.prefs_changed()
	local udp = DissectorTable.get("udp.port")
	if current_port ~= 0 then
		udp:remove(current_port, mether)
	end
	current_port = mether.prefs.port
	udp:add(current_port, mether)
end

DissectorTable.get("udp.port"):add(7700, mether)
current_port = 7700

-- On other ports, a packet is Mether when it starts with the magic and
-- this version, names a type there is, and is exactly as long as its
-- type, subset and seal say: one byte of magic alone would claim one in
-- 256 of anybody's UDP.
local function heuristic(buf, pinfo, tree)
	if buf:len() < HEADER or buf(0, 1):uint() ~= MAGIC or
	   buf(1, 1):uint() ~= VERSION then
		return false
	end
	local ptype = buf(2, 1):uint()
	local all = buf(3, 1):uint()
	if types[ptype] == nil then
		return false
	end
	local want = HEADER + payload_bytes(ptype, bit.band(all, SHORT) ~= 0) +
		(bit.band(all, SEALED) ~= 0 and TAG or 0)
	if buf:len() ~= want then
		return false
	end
	mether.dissector(buf, pinfo, tree)
	return true
end

mether:register_heuristic("udp", heuristic)
