import include

print(int(input()) + include.magic_constant)
