"""The bar: taps, kegs, beverages, drinks, drinking sessions, thermo sensors and auth tokens."""
