"""(routes: to be written)"""
