"""peo.ingest"""
