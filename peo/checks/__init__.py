"""peo.checks"""
