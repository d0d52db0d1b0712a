import errno, os

chunk = b"x" * (1 << 20)
n = 0
try:
    while True:
        with open(f"fill{n}", "wb") as out:
            for _ in range(16):
                out.write(chunk)
        n += 1
except OSError as error:
    print(errno.errorcode.get(error.errno, error.errno))
