import os

os.symlink("/box/build/main.py", "planted")
os.symlink("/etc/hostname", "peek")
print("planted")
