"""marsad.watch"""
