"""peo.tables"""
