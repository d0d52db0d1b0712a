print(open("planted").read())
print(open("/box/build/main.py").read()[:20])
