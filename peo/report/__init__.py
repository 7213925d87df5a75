"""peo.report"""
