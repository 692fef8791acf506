"""marsad.web"""
