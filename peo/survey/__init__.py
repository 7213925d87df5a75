"""peo.survey"""
