"""peo.pipeline"""
