import os, time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(10_000)
    os._exit(0)
print("parent done")
