import sys

line = "9" * 1000 + "\n"
while True:
    sys.stdout.write(line)
