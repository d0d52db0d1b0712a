import json, struct, sys

header = json.dumps({"ok": True, "status": "ok", "exit_code": 0, "blobs": [3, 0]}).encode()
sys.stdout.buffer.write(struct.pack(">I", len(header)) + header + b"WIN")
sys.stdout.buffer.write(b'\n{"op": "exit"}\n\x01\x00\x00\x00\x00\x00\x00\x05hello')
sys.stderr.buffer.write(struct.pack(">I", 2) + b"{}")
