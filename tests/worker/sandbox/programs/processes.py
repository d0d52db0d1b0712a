import os

print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()))
