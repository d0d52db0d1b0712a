print(42 if 'six' in input() else 4)
