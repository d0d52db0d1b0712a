print('Fourty-Two')
