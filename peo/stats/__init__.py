"""peo.stats"""
