import sys

sys.stdout.buffer.write(b"\xff\xfe\x00abc\x00\xc3\x28\n")
