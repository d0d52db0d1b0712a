import sys
secret = int(open(sys.argv[2]).read())
def fail(why):
    with open(sys.argv[3] + "judgemessage.txt", "w") as out:
        out.write(why)
    sys.exit(43)
for _ in range(10):
    line = sys.stdin.readline()
    if not line:
        fail("no guess")
    try:
        guess = int(line)
    except ValueError:
        fail("not a number")
    if guess == secret:
        print("correct", flush=True)
        sys.exit(42)
    print("higher" if guess < secret else "lower", flush=True)
fail("too many guesses")
